-- Figure 3G: copy-number gain and loss rates of cell-cycle regulators per main group (one
-- row per gene, direction and group), with the exact Fisher p across all main groups
-- (repeated on the gene's rows) and of the group vs the rest of the main groups.
with frequencies as (
    select * from {{ ref('int_cell_cycle_copy_number') }}
),

panel as (
    select * from {{ ref('cell_cycle_genes') }}
),

final as (
    select
        frequencies.feature as gene_symbol,
        panel.regulation,
        panel.role,
        frequencies.direction,
        frequencies.group_key,
        frequencies.group_label,
        cast(frequencies.group_order as integer) as group_order,
        cast(frequencies.n_altered as integer) as n_altered,
        cast(frequencies.n_samples as integer) as n_samples,
        frequencies.rate as fraction_altered,
        frequencies.p_value_all_main_groups,
        frequencies.fisher_method_all_main_groups,
        cast(frequencies.test_note_all_main_groups as varchar) as test_note_all_main_groups,
        frequencies.p_value_group_vs_rest,
        cast(frequencies.test_note as varchar) as test_note
    from frequencies
    inner join panel on frequencies.feature = panel.gene_symbol
)

select * from final
