"""The intake sheet of issue 16, as a legal-service volunteer keeps it, in CSV and in XLSX.

Six people, two families: the Paz family (a mother in Mexico, her son in the U.S.: a separated
family, LOCATION_SPLIT) and the Núñez family (Guatemalan parents' unit with a Mexican child: a
mixed-nationality unit with a Mexican member), and one person with no family. A-numbers are
written the way practitioners write them, dates the way Excel and people do, nationalities as
demonyms, relationships as words.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

HEADER = [
    "First Name",
    "Last Name",
    "DOB",
    "A#",
    "Country",
    "Family",
    "Relationship",
    "Current Country",
]
ROWS = [
    [
        "Ana María",
        "Paz Rivas",
        "03/14/1988",
        "A# 208-123-456",
        "Honduran",
        "F1",
        "Mother",
        "Mexico",
    ],
    ["Luis", "Paz Rivas", "7/2/2012", "A#208123457", "Honduran", "F1", "Son", "United States"],
    ["José", "Núñez", "12/31/1985", "208-123-458", "Guatemalan", "F2", "Father", "Mexico"],
    ["Rosa", "Núñez Cruz", "1/15/2015", "", "Guatemala", "F2", "Daughter", "Mexico"],
    ["Pedro", "Núñez Cruz", "6/1/2016", "", "Mexican", "F2", "Son", "Mexico"],
    ["Marta", "López", "9/9/1990", "A208123460", "Salvadoran", "", "Self", "USA"],
]
SPANISH_HEADER = [
    "Nombre(s)",
    "Apellidos",
    "Fecha de nacimiento",
    "A#",
    "Nacionalidad",
    "Familia",
    "Parentesco",
    "País actual",
]
SPANISH_ROWS = [
    [
        "Ana María",
        "Paz Rivas",
        "14/03/1988",
        "A# 208-123-456",
        "hondureña",
        "F1",
        "Madre",
        "México",
    ],
    ["Luis", "Paz Rivas", "02/07/2012", "A#208123457", "hondureño", "F1", "Hijo", "Estados Unidos"],
]


def write_csv(path: Path, header: list[str] = HEADER, rows: list[list[str]] = ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path) -> Path:
    """The same sheet as Excel keeps it: birth dates as date cells (and two typed as text),
    A-numbers without separators as numbers, a title row above the header, and a second sheet
    of notes."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Intake")
    dates = book.add_format({"num_format": "m/d/yyyy"})
    sheet.write(0, 0, "Intake, Matamoros clinic")
    sheet.write_row(2, 0, HEADER)
    for i, row in enumerate(ROWS, start=3):
        for j, value in enumerate(row):
            if j == 2 and i % 2:
                month, day, year = (int(p) for p in value.split("/"))
                sheet.write_datetime(i, j, dt.datetime(year, month, day), dates)
            elif j == 3 and value.isdigit():
                sheet.write_number(i, j, int(value))
            else:
                sheet.write_string(i, j, value)
    book.add_worksheet("Notes").write(0, 0, "volunteer notes")
    book.close()
    return path
