-- Patients per Table 1 characteristic, category and main group of the active grouping (long
-- form). Every layout category appears for every main group, with 0 when no patient falls in
-- it.
with patients as (
    select * from {{ ref('int_patient_spine') }}
    where is_main_analysis_group
),

layout as (
    select * from {{ ref('table1_layout') }}
),

main_groups as (
    select
        group_key,
        group_label,
        group_order
    from {{ ref('int_comparison_groups') }}
    where is_main_analysis_group
),

patient_categories as (
    unpivot (
        select
            patient_id,
            group_key,
            breast_density_code as breast_density,
            focal_asymmetry,
            architectural_distortion,
            lymph_node_status,
            lymphovascular_invasion,
            histological_grade
        from patients
    )
    on breast_density, focal_asymmetry, architectural_distortion, lymph_node_status,
    lymphovascular_invasion, histological_grade
    into name characteristic value category_code
),

observed_counts as (
    select
        characteristic,
        category_code,
        group_key,
        count(*) as n_patients
    from patient_categories
    group by characteristic, category_code, group_key
),

group_sizes as (
    select
        group_key,
        count(*) as n_group
    from patients
    group by group_key
),

layout_by_group as (
    select
        layout.characteristic,
        layout.characteristic_label,
        layout.characteristic_order,
        layout.category_code,
        layout.category_label,
        layout.category_order,
        main_groups.group_key,
        main_groups.group_label,
        main_groups.group_order
    from layout
    cross join main_groups
),

final as (
    select
        layout_by_group.characteristic,
        layout_by_group.characteristic_label,
        layout_by_group.characteristic_order,
        layout_by_group.category_code,
        layout_by_group.category_label,
        layout_by_group.category_order,
        layout_by_group.group_key,
        layout_by_group.group_label,
        layout_by_group.group_order,
        coalesce(observed_counts.n_patients, 0) as n_patients,
        coalesce(group_sizes.n_group, 0) as n_group
    from layout_by_group
    left join observed_counts
        on
            layout_by_group.characteristic = observed_counts.characteristic
            and layout_by_group.category_code = observed_counts.category_code
            and layout_by_group.group_key = observed_counts.group_key
    left join group_sizes
        on layout_by_group.group_key = group_sizes.group_key
)

select * from final
