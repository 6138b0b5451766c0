"""办事服务 models, one module per concern; every model is re-exported here."""

from .guides import (
    GuideMaterial,
    GuideQuestion,
    GuideStep,
    LegalBasis,
    MaterialForm,
    ResultSample,
    ServiceGuide,
    ServiceGuideEvent,
    ServiceGuideRevision,
    ServiceTheme,
    SpecialProcedure,
)
from .hall import ServiceWindow
from .ratings import RectificationCase, RectificationEvent, ServiceRating
from .results import ApprovalResult

__all__ = [
    "ApprovalResult",
    "GuideMaterial",
    "GuideQuestion",
    "GuideStep",
    "LegalBasis",
    "MaterialForm",
    "RectificationCase",
    "RectificationEvent",
    "ResultSample",
    "ServiceGuide",
    "ServiceGuideEvent",
    "ServiceGuideRevision",
    "ServiceRating",
    "ServiceTheme",
    "ServiceWindow",
    "SpecialProcedure",
]
