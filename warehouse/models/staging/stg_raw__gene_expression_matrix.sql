-- The expression matrix wide, as the file holds it: one row per gene in file order
-- (gene_order, numbered as in stg_raw__gene_expression), one double column per sample named
-- by the sample id. The same cells as the long view stg_raw__gene_expression, in the shape
-- the transcriptomic Python models take (no long -> wide pivot per model).
{%- set samples = matrix_sample_columns(source('raw', 'expression'), ['gene_symbol']) %}

with source as (
    select * from {{ source('raw', 'expression') }}
),

numbered as (
    select
        row_number() over () as gene_order,
        trim(gene_symbol) as gene_symbol{% for sample in samples %},
        cast({{ adapter.quote(sample) }} as double) as {{ adapter.quote(sample) }}
        {%- endfor %}
    from source
)

select * from numbered
