"""Adapter for the gateway's audit events about requests it blocked, one JSON object a line:
`{"event_id", "timestamp", "event_type", "reason": "missing_required_ai_attribution: cost_center",
"request_id", "api_key_id", "provider", "requested_model", "tags": {...partial...}}`.

A blocked request reached no provider and consumed no tokens; these events feed enforcement reporting,
never cost. Tenant and end-user ids in the partial tags are stored as salted hashes.
"""

from __future__ import annotations

from orchestration.ingest.privacy import HASHED_TAG_KEYS, TEXT_KEYS
from orchestration.ingest.records import (
    checked_select,
    docs_cte,
    document_checks,
    drop_keys_patch,
    hashed,
    jkind,
    jtext,
    long_value_checks,
    required_text_checks,
    timestamp_checks,
    utc_timestamp,
)

TAGS = ("owner_team", "project_id", "feature", "cost_center", "environment", "request_intent", "service")


class GatewayAuditAdapter:
    source = "gateway_audit"
    table = "gateway_audit_events"
    file_patterns = ("**/*.jsonl", "**/*.jsonl.gz", "**/*.json", "**/*.json.gz")
    columns_ddl = ",\n".join(
        [
            "event_id varchar",
            "request_id varchar",
            "timestamp_utc timestamp",
            "event_type varchar",
            "reason varchar",
            "api_key_id varchar",
            "provider varchar",
            "requested_model varchar",
            *(f"tag_{tag} varchar" for tag in TAGS),
            "tenant_id_hash varchar",
            "end_user_id_hash varchar",
            "payload varchar",
        ]
    )

    def select_parsed_sql(self) -> str:
        timestamp = utc_timestamp(jtext("rec", "$.timestamp"))
        required = {"timestamp": jtext("rec", "$.timestamp"), "reason": jtext("rec", "$.reason")}
        checks = document_checks("rec")
        checks += required_text_checks(required)
        checks += timestamp_checks(timestamp, "timestamp")
        checks.append((f"{jkind('rec', '$.tags')} not in ('NULL', 'OBJECT')", "'invalid_type: tags must be an object'"))
        checks += long_value_checks(
            {name: jtext("rec", f"$.{name}") for name in ("event_id", "request_id", "api_key_id", "reason")}
        )
        hashed_tags = ", ".join(f"'{key}', {hashed(jtext('rec', f'$.tags.{key}'))}" for key in HASHED_TAG_KEYS)
        payload = (
            f"case when {jkind('rec', '$.tags')} = 'OBJECT' then json_merge_patch("
            f"{drop_keys_patch('rec', TEXT_KEYS)}, json_object('tags', json_object({hashed_tags}))) "
            f"else {drop_keys_patch('rec', TEXT_KEYS)} end"
        )
        columns = [
            f"{jtext('rec', '$.event_id')} as event_id",
            f"{jtext('rec', '$.request_id')} as request_id",
            f"{timestamp} as timestamp_utc",
            f"coalesce({jtext('rec', '$.event_type')}, 'request_blocked') as event_type",
            f"trim({required['reason']}) as reason",
            f"{jtext('rec', '$.api_key_id')} as api_key_id",
            f"lower({jtext('rec', '$.provider')}) as provider",
            f"{jtext('rec', '$.requested_model')} as requested_model",
            *(f"{jtext('rec', f'$.tags.{tag}')} as tag_{tag}" for tag in TAGS),
            f"{hashed(jtext('rec', '$.tags.tenant_id'))} as tenant_id_hash",
            f"{hashed(jtext('rec', '$.tags.end_user_id'))} as end_user_id_hash",
            f"cast(case when json_type(rec) = 'OBJECT' then {payload} end as varchar) as payload",
        ]
        return f"""
with {docs_cte()},
records as (
    select line_number, decode_error, doc as rec from docs
),
{checked_select("records", checks, columns)}
"""
