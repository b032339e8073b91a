-- Figure 3G: copy-number gain and loss rates of cell-cycle regulators per group.
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
        cast(frequencies.n_altered_negative as integer) as n_altered_negative,
        frequencies.rate_negative,
        cast(frequencies.n_altered_probably_benign as integer) as n_altered_probably_benign,
        frequencies.rate_probably_benign,
        cast(frequencies.n_altered_high_suspicion as integer) as n_altered_high_suspicion,
        frequencies.rate_high_suspicion,
        frequencies.p_value_three_groups,
        frequencies.p_value_high_vs_others
    from frequencies
    inner join panel on frequencies.feature = panel.gene_symbol
)

select * from final
