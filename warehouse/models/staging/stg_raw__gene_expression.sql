-- Wide gene x sample expression matrix to one row per sample and gene, on the scale of the
-- file (FPKM by default; read counts or TPM with the expression_scale variable). gene_order
-- keeps the file's row order: GSVA/ssGSEA break rank ties by it, as R does. The matrix is
-- unpivoted in groups of sample columns straight from the ingested table (unpivot_matrix), so
-- the cost per cell does not grow with the number of samples.
{%- set samples = matrix_sample_columns(source('raw', 'expression'), ['gene_symbol']) %}

with unpivoted as (
    {{ unpivot_matrix(source('raw', 'expression'), 'gene_symbol', 'expression_value',
                      sample_columns=samples, row_order_column='gene_order',
                      columns_per_group=var('unpivot_columns_per_group')) }}
)

select * from unpivoted
