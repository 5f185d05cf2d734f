{#
    Provider names as sources spell them (LiteLLM custom_llm_provider, OTel gen_ai.provider.name and the
    deprecated gen_ai.system) mapped onto our provider ids: openai, anthropic, google, aws_bedrock,
    azure_openai. Unknown names pass through in lower case.
#}
{% macro normalize_provider(column) -%}
    case lower(trim({{ column }}))
        when 'aws.bedrock' then 'aws_bedrock'
        when 'bedrock' then 'aws_bedrock'
        when 'bedrock_converse' then 'aws_bedrock'
        when 'aws_bedrock' then 'aws_bedrock'
        when 'azure' then 'azure_openai'
        when 'azure_ai' then 'azure_openai'
        when 'azure.ai.openai' then 'azure_openai'
        when 'az.ai.openai' then 'azure_openai'
        when 'gemini' then 'google'
        when 'vertex_ai' then 'google'
        when 'vertex_ai_beta' then 'google'
        when 'gcp.gemini' then 'google'
        when 'gcp.vertex_ai' then 'google'
        when 'gcp.gen_ai' then 'google'
        when 'google' then 'google'
        when 'text-completion-openai' then 'openai'
        else lower(trim({{ column }}))
    end
{%- endmacro %}
