{#
    Who pays for each attempt. Tag values are normalized (trim, lower case, alias seed), validated against
    the registries, and the required tags (var required_tags) decide between an owner and the explicit
    `unallocated` bucket. Free text never survives: a dimension is a registered value or `unallocated`.
    Environment: the tag, else the API key's environment, else var default_environment (prod, the strictest).
#}
{%- set registries = {
    'owner_team': ('owner_teams', 'owner_team'),
    'project_id': ('projects', 'project_id'),
    'feature': ('features', 'feature'),
    'cost_center': ('cost_centers', 'cost_center'),
} -%}
{%- set aliased_tags = ['owner_team', 'project_id', 'feature', 'cost_center', 'environment'] -%}
{%- set required_tags = var('required_tags') -%}
{%- set environments = ['prod', 'staging', 'dev', 'sandbox'] -%}

with

attempts as (
    select * from {{ ref('int_usage_attempts_deduplicated') }}
),

tag_value_aliases as (
    select
        {{ normalize_tag('tag_name') }} as tag_name,
        {{ normalize_tag('alias_value') }} as alias_value,
        canonical_value
    from {{ ref('tag_value_aliases') }}
),

{% for tag, registry in registries.items() %}
    registered_{{ tag }} as (
        select distinct {{ registry[1] }} as registered_value
        from {{ ref(registry[0]) }}
    ),
{% endfor %}

features as (
    select
        feature,
        project_id
    from {{ ref('features') }}
),

api_keys as (
    select
        api_key_id,
        environment as key_environment
    from {{ ref('api_keys') }}
),

normalized as (
    select
        attempts.*,
        {%- for tag in aliased_tags %}
            coalesce(
                alias_{{ tag }}.canonical_value, {{ normalize_tag('attempts.' ~ tag ~ '_tag') }}
            ) as {{ tag }}_normalized,
        {%- endfor %}
        api_keys.key_environment
    from
        attempts
    {%- for tag in aliased_tags %}
        left join tag_value_aliases as alias_{{ tag }}
            on
                alias_{{ tag }}.tag_name = '{{ tag }}'
                and alias_{{ tag }}.alias_value = {{ normalize_tag('attempts.' ~ tag ~ '_tag') }}
    {%- endfor %}
    left join api_keys
        on attempts.api_key_id = api_keys.api_key_id
),

validated as (
    select
        normalized.*,
        {%- for tag in registries %}
            registered_{{ tag }}.registered_value is not null as is_{{ tag }}_registered,
        {%- endfor %}
        features.project_id as feature_project_id
    from
        normalized
    {%- for tag in registries %}
    left join registered_{{ tag }}
        on normalized.{{ tag }}_normalized = registered_{{ tag }}.registered_value
    {%- endfor %}
    left join features
        on normalized.feature_normalized = features.feature
),

checked as (
    select
        validated.*,
        case
            when environment_normalized in ('{{ environments | join("', '") }}')
                then environment_normalized
            when key_environment is not null then key_environment
            else '{{ var("default_environment") }}'
        end as environment,
        case
            when environment_normalized in ('{{ environments | join("', '") }}') then 'tag'
            when key_environment is not null then 'api_key'
            else 'default'
        end as environment_source,
        substr({{ dbt.concat(["''"] + required_tags_missing_pieces(required_tags)) }}, 2)
            as missing_required_tags,
        substr({{ dbt.concat(["''"] + required_tags_invalid_pieces(required_tags)) }}, 2)
            as invalid_required_tags
    from validated
),

attributed as (
    select
        checked.*,
        case
            when missing_required_tags = '' and invalid_required_tags = '' then 'attributed'
            else 'unallocated'
        end as attribution_status
    from checked
),

resolved as (
    select
        attributed.*,
        case
            when attribution_status = 'attributed' then owner_team_normalized else 'unallocated'
        end as owner_team,
        case
            when attribution_status = 'attributed' then cost_center_normalized else 'unallocated'
        end as cost_center,
        case
            when is_project_id_registered then project_id_normalized
            when feature_project_id is not null then feature_project_id
            else 'unallocated'
        end as project_id,
        case when is_feature_registered then feature_normalized else 'unallocated' end as feature,
        case
            when attribution_status = 'attributed' then 'none'
            when environment = 'prod' then 'violation'
            else 'warning'
        end as attribution_severity
    from attributed
)

select * from resolved
