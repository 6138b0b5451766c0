"""The 主动公开 catalog: columns (Category) and items (Item)."""

__all__ = []
