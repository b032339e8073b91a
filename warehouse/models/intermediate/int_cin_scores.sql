-- Chromosomal instability score: sum over genes of the squared gene-level value per sample
-- (paper: "summing the squared gene-level GISTIC 2 values"). var cin_value_type picks the
-- continuous value (default) or the thresholded -2..2 call; the gene universe is every
-- autosomal protein-coding gene, or the genes of the seed named by var cin_gene_list.
with gene_copy_number as (
    select * from {{ ref('int_gene_copy_number') }}
),

{% if var('cin_gene_list') %}
gene_list as (
    select gene_symbol from {{ ref(var('cin_gene_list')) }}
),
{% endif %}

scored as (
    select
        gene_copy_number.sample_id,
        count(*) as n_genes,
        -- exact: the same bits on every build (a parallel float sum is not)
        {% if var('cin_value_type') == 'thresholded' %}
            {{ exact_sum(
                'gene_copy_number.copy_number_call * gene_copy_number.copy_number_call'
            ) }}
        {% else %}
            {{ exact_sum(
                'gene_copy_number.copy_number_value * gene_copy_number.copy_number_value'
            ) }}
        {% endif %} as cin_score
    from gene_copy_number
    {% if var('cin_gene_list') %}
        inner join gene_list on gene_copy_number.gene_symbol = gene_list.gene_symbol
    {% endif %}
    group by gene_copy_number.sample_id
),

final as (
    select
        sample_id,
        n_genes,
        cast(cin_score as double) as cin_score,
        '{{ var('cin_value_type') }}' as cin_value_type
    from scored
)

select * from final
