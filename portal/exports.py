"""Downloads staff and citizens open in Excel: CSV with the BOM Excel needs, and XLSX workbooks;
and the other way, the rows of an uploaded CSV or XLSX file for an import."""

import csv
import io
import os

from django.core.exceptions import ValidationError
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


def read_table(upload):
    """Return the first sheet of an uploaded CSV (UTF-8 or GBK, as Excel saves it) or XLSX as
    rows (lists of cells), or raise ValidationError saying in Chinese why it cannot be read."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    upload.seek(0)
    if extension == ".csv":
        raw = upload.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError("无法识别文件编码，请另存为 UTF-8 编码的 CSV", code="encoding")
        return list(csv.reader(io.StringIO(text)))
    if extension == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(
                "无法读取该 Excel 文件，请确认是 .xlsx 格式", code="bad_xlsx"
            ) from exc
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    raise ValidationError("只支持 CSV 或 XLSX 文件", code="file_type")
