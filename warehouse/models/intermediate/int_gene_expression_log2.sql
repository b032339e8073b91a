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

library_sizes as (
    select
        sample_id,
        sum(expression_value) as library_size
    from expression
    group by sample_id
),

final as (
    select
        expression.sample_id,
        expression.gene_symbol,
        expression.gene_order,
        {%- if scale == 'counts' %}
            log2(expression.expression_value / library_sizes.library_size * 1e6 + 1)
        {%- else %}
            log2(expression.expression_value + 1)
        {%- endif %} as log2_expression
    from expression
    inner join library_sizes on expression.sample_id = library_sizes.sample_id
)

select * from final
