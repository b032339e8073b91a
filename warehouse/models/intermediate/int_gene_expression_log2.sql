-- Expression on the log2 scale every transcriptomic score uses: log2(FPKM + 1) as in the
-- paper (default), log2(TPM + 1), or log2(CPM + 1) from raw read counts (CPM = count /
-- sample total x 1e6, as the GSVA TCGA reference case does).
{%- set scale = var('expression_scale') %}
{%- if scale not in ['fpkm', 'tpm', 'counts'] %}
    {{ exceptions.raise_compiler_error(
        "var expression_scale must be one of fpkm, tpm, counts; got '" ~ scale ~ "'") }}
{%- endif %}

with expression as (
    select * from {{ ref('stg_raw__gene_expression') }}
),

scaled as (
    select
        sample_id,
        gene_symbol,
        gene_order,
        {%- if scale == 'counts' %}
            expression_value / sum(expression_value) over (partition by sample_id) * 1e6
        {%- else %}
            expression_value
        {%- endif %} as scaled_value
    from expression
),

final as (
    select
        sample_id,
        gene_symbol,
        gene_order,
        log2(scaled_value + 1) as log2_expression
    from scaled
)

select * from final
