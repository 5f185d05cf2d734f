"""What never reaches the warehouse: prompt and completion text, and raw tenant or end-user ids."""

# Top-level payload keys that carry prompt or completion text in the formats we read. They are removed
# before a payload is stored; typed columns never read them.
TEXT_KEYS: tuple[str, ...] = (
    "messages",
    "prompt",
    "prompts",
    "response",
    "responses",
    "completion",
    "completions",
    "choices",
    "input",
    "output",
    "system",
    "instructions",
    "content",
    "text",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.prompt",
    "gen_ai.completion",
)

# Identifier keys (inside the gateway's `tags`) stored only as salted SHA-256 hashes.
HASHED_TAG_KEYS: tuple[str, ...] = ("tenant_id", "end_user_id")


def salted_hash_sql(value_sql: str, salt_param: str = "$salt") -> str:
    """SQL for the salted hash of a value; the salt is a bound parameter, never part of the SQL text."""
    value = f"({value_sql})"
    return f"case when {value} is null then null else sha256({salt_param} || ':' || {value}) end"
