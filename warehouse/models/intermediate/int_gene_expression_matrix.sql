-- int_gene_expression_log2 as one wide genes x samples table (gene_order, gene_symbol, one
-- log2 column per sample): log2(FPKM + 1) (default), log2(TPM + 1) or log2(CPM + 1) from
-- read counts, cell for cell the values of the long table. Read once by each transcriptomic
-- Python model (calcomics.warehouse.transcriptomic_inputs.read_expression_matrix: groups of
-- sample columns into one preallocated array).
{%- set scale = var('expression_scale') %}
{%- if scale not in ['fpkm', 'tpm', 'counts'] %}
    {{ exceptions.raise_compiler_error(
        "var expression_scale must be one of fpkm, tpm, counts; got '" ~ scale ~ "'") }}
{%- endif %}
{%- set samples = matrix_sample_columns(
    ref('stg_raw__gene_expression_matrix'), ['gene_order', 'gene_symbol']) %}

with expression as (
    select * from {{ ref('stg_raw__gene_expression_matrix') }}
),

final as (
    select
        gene_order,
        gene_symbol{% for sample in samples %}{% set column = adapter.quote(sample) %},
        {%- if scale == 'counts' %}
        log2(expression.{{ column }} / sum(expression.{{ column }}) over () * 1e6 + 1)
        {%- else %}
        log2(expression.{{ column }} + 1)
        {%- endif %} as {{ column }}
        {%- endfor %}
    from expression
)

select * from final
