{# LiteLLM StandardLoggingPayload records in the usage envelope (macros/usage/stage_litellm.sql). #}
{{ stage_litellm(source('raw_litellm', 'litellm_payloads')) }}
