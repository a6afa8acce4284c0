"""Importing the registry from a CSV or XLSX file: every row, or nothing, with one audit entry."""

from __future__ import annotations

import os
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext_noop

from comity.engine.registry_import import validate_registry
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.structure.import_messages import ImportProblem, ImportReport, column_label, describe_error
from comity.structure.import_upload import FileProblem, open_table, read_upload
from comity.structure.import_writer import RegistryWriter
from comity.structure.models import Community


@service
def import_registry(
    actor: Actor, community: Community, uploaded_file: IO[bytes] | Any, *, dry_run: bool = False
) -> ImportReport:
    """Import buildings, units and owners from a CSV or XLSX file: every row, or nothing.

    With ``dry_run`` the import runs to the end, audit entry included, and is then rolled back, so the report
    shows exactly what an import would create and update.
    """
    require(actor, "structure.import_registry", community)
    report = ImportReport(
        file_name=os.path.basename(getattr(uploaded_file, "name", "") or ""), dry_run=dry_run
    )
    try:
        with open_table(read_upload(uploaded_file), report.file_name) as (header, rows):
            result = validate_registry(header, rows)
    except FileProblem as problem:
        report.errors.append(ImportProblem(None, "", str(problem)))
        return report
    columns = dict(result.columns)
    report.errors = [describe_error(error, columns) for error in result.errors]
    if not result.ok:
        return report
    report.rows = len(result.records)
    with transaction.atomic():
        # One import at a time per community, so two uploads cannot both create the same building.
        lock(community)
        writer = RegistryWriter(community, report)
        for record, column, message in writer.check(result.records):
            index = columns[column][0] if column in columns else None
            report.errors.append(ImportProblem(record.row, column_label(column, index, columns), message))
        if report.errors:
            return report
        writer.write(result.records)
        _audit(actor, community, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _audit(actor: Actor, community: Community, report: ImportReport) -> None:
    created, updated = sum(report.created.values()), sum(report.updated.values())
    record_audit(
        actor=actor,
        action="registry.import",
        community=community,
        summary=gettext_noop(
            "Imported %(file)s: %(rows)s rows, %(created)s records created, %(updated)s updated"
        ),
        params={"file": report.file_name, "rows": report.rows, "created": created, "updated": updated},
        changes={
            "file": report.file_name,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "ended_ownerships": report.ended_ownerships,
        },
    )
