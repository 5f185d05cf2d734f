{#
    Who pays for each attempt, and by which rule. Per attempt, in order:
      1. normalize tag values (trim, lower case, alias seed);
      2. validate them against the registries; in ad hoc environments (var ad_hoc_environments) an
         unregistered value is accepted until var ad_hoc_tag_ttl_days after it was first seen;
      3. derive what is missing from the registries: project from the feature, owner team and cost center
         from the project;
      4. fall back to the API key's owner team and cost center;
      5. otherwise the explicit `unallocated` bucket.
    Each step that fired is listed in attribution_issues. Environment rules set the severity: a missing or
    invalid required tag is a violation in prod (fallback allowed, flagged), a warning in staging and for
    missing tags in ad hoc environments; an expired ad hoc value is a violation. A live warn-only
    enforcement exception for the project turns a violation into a warning. Free text never survives:
    every dimension is a registered value, `ad_hoc` (accepted unregistered value) or `unallocated`.

    Incremental: the attempts int_usage_attempts_deduplicated rewrote since the last build, plus every
    attempt that carries an unregistered value in an ad hoc environment: when a value is first seen depends
    on all its uses, and those attempts are exactly the ones that set it, so the first-seen aggregate
    below sees all of them. A change of the registries or attribution vars (attribution_fingerprint)
    recomputes every attempt; an attempt key the upstream no longer has is deleted.
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
{%- set ad_hoc_environments = var('ad_hoc_environments') -%}
{%- set fingerprint = registry_fingerprint(
    ['tag_value_aliases', 'owner_teams', 'projects', 'features', 'cost_centers', 'api_keys',
        'enforcement_exceptions'],
    ['required_tags', 'default_environment', 'ad_hoc_environments', 'ad_hoc_tag_ttl_days'],
) -%}
{%- set incremental_run = can_run_incrementally('attributed_at', 'attribution_fingerprint', fingerprint) -%}
{{ config(
    materialized=request_grain_materialization(),
    incremental_strategy=request_grain_strategy(),
    unique_key='attempt_key',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_keys_missing_upstream(ref('int_usage_attempts_deduplicated'), 'attempt_key') }}",
) }}

with

attempts as (
    select * from {{ ref('int_usage_attempts_deduplicated') }}
    {%- if incremental_run %}
        where
            {{ built_since_last_run('deduplicated_at', 'attributed_at') }}
            or attempt_key in (
                select attempt_key from {{ this }}
                where
                    {%- for tag in registries %}
                        {{ tag }}_first_seen_at is not null{{ ' or' if not loop.last }}
                    {%- endfor %}
            )
    {%- endif %}
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

projects as (
    select
        project_id,
        owner_team,
        cost_center
    from {{ ref('projects') }}
),

api_keys as (
    select
        api_key_id,
        owner_team as key_owner_team,
        cost_center as key_cost_center,
        environment as key_environment
    from {{ ref('api_keys') }}
),

enforcement_exceptions as (
    select
        exception_id,
        project_id,
        cast(starts_on as timestamp) as starts_at,
        cast(expires_on as timestamp) as expires_at
    from {{ ref('enforcement_exceptions') }}
    where mode = 'warn_only'
),

normalized as (
    select
        attempts.*,
        {%- for tag in aliased_tags %}
            coalesce(
                alias_{{ tag }}.canonical_value, {{ normalize_tag('attempts.' ~ tag ~ '_tag') }}
            ) as {{ tag }}_normalized,
        {%- endfor %}
        api_keys.key_owner_team,
        api_keys.key_cost_center,
        api_keys.key_environment
    from
        attempts
    {%- for tag in aliased_tags %}
        left join tag_value_aliases as alias_{{ tag }}
            on
                alias_{{ tag }}.tag_name = '{{ tag }}'
                and {{ normalize_tag('attempts.' ~ tag ~ '_tag') }} = alias_{{ tag }}.alias_value
    {%- endfor %}
    left join api_keys
        on attempts.api_key_id = api_keys.api_key_id
),

with_environment as (
    select
        normalized.*,
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
        end as environment_source
    from normalized
),

validated as {{ inline_cte() }} (
    select
        with_environment.*,
        {%- for tag in registries %}
            registered_{{ tag }}.registered_value is not null as is_{{ tag }}_registered,
        {%- endfor %}
        features.project_id as feature_project_id
    from
        with_environment
    {%- for tag in registries %}
    left join registered_{{ tag }}
        on with_environment.{{ tag }}_normalized = registered_{{ tag }}.registered_value
    {%- endfor %}
    left join features
        on with_environment.feature_normalized = features.feature
),

{#-
    When each unregistered value was first seen in an ad hoc environment: an aggregate per value joined
    back (a window partitioned by tag value would sort every wide row once per tag).
#}
{%- for tag in registries %}
    {{ tag }}_first_seen as (
        select
            {{ tag }}_normalized as ad_hoc_value,
            min(requested_at) as first_seen_at
        from validated
        where
            {{ tag }}_normalized is not null
            and environment in ('{{ ad_hoc_environments | join("', '") }}')
            and not is_{{ tag }}_registered
        group by 1
    ),
{%- endfor %}

first_seen as (
    select
        validated.*,
        {%- for tag in registries %}
            case
                when
                    validated.environment in ('{{ ad_hoc_environments | join("', '") }}')
                    and not validated.is_{{ tag }}_registered
                    then {{ tag }}_first_seen.first_seen_at
            end as {{ tag }}_first_seen_at,
        {%- endfor %}
        {{ var('ad_hoc_tag_ttl_days') }} as ad_hoc_tag_ttl_days
    from validated
    {% for tag in registries -%}
        left join {{ tag }}_first_seen
            on validated.{{ tag }}_normalized = {{ tag }}_first_seen.ad_hoc_value
    {% endfor -%}
),

accepted as (
    select
        first_seen.*,
        {%- for tag in registries %}
            (
                {{ tag }}_normalized is not null
                and not is_{{ tag }}_registered
                and environment in ('{{ ad_hoc_environments | join("', '") }}')
                and requested_at
                < {{ dbt.dateadd('day', var('ad_hoc_tag_ttl_days'), tag ~ '_first_seen_at') }}
            ) as is_{{ tag }}_ad_hoc,
        {%- endfor %}
        environment in ('{{ ad_hoc_environments | join("', '") }}') as is_ad_hoc_environment
    from first_seen
),

resolved_project as (
    select
        accepted.*,
        case
            when is_feature_registered then feature_normalized
            when is_feature_ad_hoc then 'ad_hoc'
        end as feature_resolved,
        case
            when is_project_id_registered then project_id_normalized
            when feature_project_id is not null then feature_project_id
            when is_project_id_ad_hoc then 'ad_hoc'
        end as project_id_resolved,
        case
            when is_project_id_registered then 'tag'
            when feature_project_id is not null then 'feature'
            when is_project_id_ad_hoc then 'ad_hoc'
        end as project_id_source
    from accepted
),

resolved_owner as (
    select
        resolved_project.*,
        case
            when resolved_project.is_owner_team_registered then 'tag'
            when projects.owner_team is not null then 'project'
            when resolved_project.key_owner_team is not null then 'api_key'
        end as owner_team_source,
        case
            when resolved_project.is_cost_center_registered then 'tag'
            when projects.cost_center is not null then 'project'
            when resolved_project.key_cost_center is not null then 'api_key'
        end as cost_center_source,
        projects.owner_team as project_owner_team,
        projects.cost_center as project_cost_center
    from resolved_project
    left join projects
        on resolved_project.project_id_resolved = projects.project_id
),

checked as (
    select
        resolved_owner.*,
        enforcement_exceptions.exception_id as enforcement_exception_id,
        substr({{ dbt.concat(["''"] + required_tags_missing_pieces(required_tags)) }}, 2)
            as missing_required_tags,
        substr({{ dbt.concat(["''"] + required_tags_invalid_pieces(required_tags)) }}, 2)
            as invalid_required_tags,
        substr({{ dbt.concat(["''"] + required_tags_ad_hoc_pieces(required_tags)) }}, 2)
            as ad_hoc_tags
    from resolved_owner
    left join enforcement_exceptions
        on
            resolved_owner.project_id_resolved = enforcement_exceptions.project_id
            and resolved_owner.requested_at >= enforcement_exceptions.starts_at
            and resolved_owner.requested_at < enforcement_exceptions.expires_at
),

attributed as (
    select
        checked.*,
        case
            when owner_team_source is null or cost_center_source is null then 'unallocated'
            when owner_team_source = 'api_key' or cost_center_source = 'api_key' then 'key_fallback'
            when
                owner_team_source = 'project'
                or cost_center_source = 'project'
                or project_id_source = 'feature'
                then 'derived'
            else 'attributed'
        end as attribution_status,
        case
            when missing_required_tags = '' and invalid_required_tags = '' then 'none'
            when environment = 'prod' then 'violation'
            when environment = 'staging' then 'warning'
            when invalid_required_tags <> '' then 'violation'
            else 'warning'
        end as rule_severity
    from checked
),

final as (
    select
        attributed.*,
        case
            when rule_severity = 'violation' and enforcement_exception_id is not null then 'warning'
            else rule_severity
        end as attribution_severity,
        case
            when attribution_status = 'unallocated' then 'unallocated'
            when owner_team_source = 'tag' then owner_team_normalized
            when owner_team_source = 'project' then project_owner_team
            else key_owner_team
        end as owner_team,
        case
            when attribution_status = 'unallocated' then 'unallocated'
            when cost_center_source = 'tag' then cost_center_normalized
            when cost_center_source = 'project' then project_cost_center
            else key_cost_center
        end as cost_center,
        coalesce(project_id_resolved, 'unallocated') as project_id,
        coalesce(feature_resolved, 'unallocated') as feature,
        substr(
            {{ dbt.concat([
                "''",
                "case when missing_required_tags <> '' then ',missing:' || missing_required_tags else '' end",
                "case when invalid_required_tags <> '' then ',invalid:' || invalid_required_tags else '' end",
                "case when ad_hoc_tags <> '' then ',ad_hoc:' || ad_hoc_tags else '' end",
                "case when project_id_source = 'feature' then ',derived:project_id' else '' end",
                "case when owner_team_source = 'project' then ',derived:owner_team' else '' end",
                "case when cost_center_source = 'project' then ',derived:cost_center' else '' end",
                "case when owner_team_source = 'api_key' then ',key_fallback:owner_team' else '' end",
                "case when cost_center_source = 'api_key' then ',key_fallback:cost_center' else '' end",
                "case when rule_severity = 'violation' and enforcement_exception_id is not null"
                ~ " then ',exception:' || enforcement_exception_id else '' end",
            ]) }},
            2
        ) as attribution_issues,
        '{{ fingerprint }}' as attribution_fingerprint,
        {{ dbt.current_timestamp() }} as attributed_at
    from attributed
)

select * from final
