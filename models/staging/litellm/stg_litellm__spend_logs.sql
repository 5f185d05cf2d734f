{# LiteLLM_SpendLogs rows in the usage envelope (macros/usage/stage_litellm.sql). #}
{{ stage_litellm(source('raw_litellm', 'litellm_spend_logs')) }}
