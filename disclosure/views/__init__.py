"""Public pages of 政务公开: the catalog (catalog.py) and 依申请公开 with its annual reports
(requests.py)."""
