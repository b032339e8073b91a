-- Wide gene x sample expression matrix to one row per sample and gene, on the scale of the
-- file (FPKM by default; read counts or TPM with the expression_scale variable). gene_order
-- keeps the file's row order: GSVA/ssGSEA break rank ties by it, as R does.
with source as (
    select * from {{ source('raw', 'expression') }}
),

numbered as (
    select
        row_number() over () as gene_order,
        *
    from source
),

unpivoted as (
    {{ unpivot_matrix('numbered', 'gene_symbol', 'expression_value', ['gene_order']) }}
)

select * from unpivoted
