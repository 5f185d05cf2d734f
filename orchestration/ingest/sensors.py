"""A sensor that notices new landing files and runs the refresh, so data arrives in the marts without
waiting for the daily schedule. Files are never moved, so "new" means not seen by an earlier tick: the
cursor holds a digest of every known file's path, size and modification time."""

from __future__ import annotations

import hashlib
import json

from dagster import RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.ingest.assets import INGEST_SPECS
from orchestration.ingest.loader import discover
from orchestration.settings import Settings

SENSOR_INTERVAL_SECONDS = 60


def landing_fingerprints(settings: Settings) -> dict[str, str]:
    """source -> digest of its landing files (path, size, mtime); a source without files is absent."""
    fingerprints: dict[str, str] = {}
    for spec in INGEST_SPECS:
        files = discover(settings.landing_dir, spec.adapter)
        if not files:
            continue
        digest = hashlib.sha256()
        for path in files:
            stat = path.stat()
            digest.update(f"{path.relative_to(settings.landing_dir)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
        fingerprints[spec.key.to_user_string()] = digest.hexdigest()
    return fingerprints


def changed_sources(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    return sorted(key for key, digest in current.items() if previous.get(key) != digest)


def build_landing_sensor(job_name: str):
    @sensor(
        name="landing_files_sensor",
        job_name=job_name,
        minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
        description="Runs the refresh (ingest of the new files, then every downstream model) when files arrive.",
    )
    def landing_files_sensor(context: SensorEvaluationContext):
        current = landing_fingerprints(Settings.from_env())
        previous = json.loads(context.cursor) if context.cursor else {}
        changed = changed_sources(previous, current)
        if not changed:
            return SkipReason("no new landing files")
        context.update_cursor(json.dumps(current, sort_keys=True))
        run_key = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
        # The refresh loads only unseen files (the manifest), so running it whole costs little beyond dbt.
        return RunRequest(run_key=run_key, tags={"landing_changed": ",".join(changed)[:200]})

    return landing_files_sensor
