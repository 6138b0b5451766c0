"""Downloads staff and citizens open in Excel: CSV with the BOM Excel needs, and XLSX workbooks."""

import csv

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(filename):
    """Return (response, writer): a UTF-8 CSV download that Excel on Windows opens in Chinese
    (it needs the byte-order mark to read UTF-8)."""
    response = _attachment(HttpResponse(content_type="text/csv; charset=utf-8"), filename)
    response.write("\ufeff")
    return response, csv.writer(response)


def xlsx_response(workbook, filename):
    """Return an openpyxl workbook as a download."""
    response = _attachment(HttpResponse(content_type=XLSX_TYPE), filename)
    workbook.save(response)
    return response
