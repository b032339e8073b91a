-- Wide gene x sample FPKM matrix to one row per sample and gene.
with source as (
    select * from {{ source('raw', 'expression') }}
),

unpivoted as (
    {{ unpivot_matrix('source', 'gene_symbol', 'fpkm') }}
)

select * from unpivoted
