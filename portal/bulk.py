"""Bulk writes for large frames: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create builds a model instance and compiles every value of every row; for the
hundreds of thousands of rows of a data generator or an assessment run that costs more than the
database's own work. These helpers take rows already in database form.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import NOT_PROVIDED


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def insert_plan(model, given: Sequence[str]) -> tuple[list[str], list[str], list]:
    """Column names for the ``given`` field names plus every other concrete field (defaults);
    returns (given columns, other columns, other values). Fields with a database default are
    left to the database; a NOT NULL field without any default is an error worth a message."""
    meta = model._meta
    given_columns = [meta.get_field(name).column for name in given]
    other_columns, other_values = [], []
    for f in meta.concrete_fields:
        if f.primary_key or f.name in given or f.attname in given:
            continue
        if getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        if f.has_default():
            value = f.get_db_prep_save(f.get_default(), connection)
        elif f.null:
            value = None
        else:
            raise ValueError(f"{meta.label}.{f.name} 没有默认值，批量写入需要给出它的值。")
        other_columns.append(f.column)
        other_values.append(value)
    return given_columns, other_columns, other_values


def csv_text(rows: Iterable[Sequence]) -> str:
    """CSV for COPY … (FORMAT csv, NULL '\\N'): None is \\N, '' stays an empty string."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["\\N" if v is None else v for v in row])
    return buffer.getvalue()


def copy_csv(table: str, columns: Sequence[str], text: str) -> None:
    qn = connection.ops.quote_name
    sql = (
        f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) "
        "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the DB-API cursor under Django's wrapper
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, io.StringIO(text))
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(text)


def executemany(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    qn = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        # The DB-API cursor: Django's wrapper would add nothing but overhead per chunk.
        cursor.cursor.executemany(sql, rows)


def insert_rows(model, given: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert rows (values for the ``given`` fields, already in database form) in one go."""
    if not rows:
        return
    given_columns, other_columns, other_values = insert_plan(model, given)
    columns = given_columns + other_columns
    full = [tuple(row) + tuple(other_values) for row in rows]
    if is_postgres():
        copy_csv(model._meta.db_table, columns, csv_text(full))
    else:
        executemany(model._meta.db_table, columns, full)


def insert_frame(model, frame) -> None:
    """Insert a pandas frame whose columns are field names (foreign keys as ids), in one go:
    on PostgreSQL through pandas' own CSV writer and COPY, elsewhere with executemany."""
    if frame.empty:
        return
    given = list(frame.columns)
    given_columns, other_columns, other_values = insert_plan(model, given)
    full = frame.copy()
    for column, value in zip(other_columns, other_values, strict=True):
        full[column] = value
    columns = given_columns + other_columns
    if is_postgres():
        buffer = io.StringIO()
        full.to_csv(buffer, header=False, index=False, na_rep="\\N", lineterminator="\n")
        copy_csv(model._meta.db_table, columns, buffer.getvalue())
    else:
        rows = [
            tuple(None if v != v else v for v in row)  # NaN → NULL
            for row in full.itertuples(index=False, name=None)
        ]
        executemany(model._meta.db_table, columns, rows)
