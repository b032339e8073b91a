-- Patients per Table 1 characteristic, category and main group of the active grouping (long
-- form). Every layout category appears for every main group, with 0 when no patient falls in
-- it. A patient without a value (empty or `unknown` in clinical.csv, null here) is counted
-- in the characteristic's Unknown category: the layout's own (as the paper prints it for
-- lympho-vascular invasion and grade), or one added after the last category when any main
-- patient lacks the value.
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

patient_values as (
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
),

patient_categories as (
    select
        patient_id,
        group_key,
        characteristic,
        coalesce(category_code, 'unknown') as category_code
    from patient_values
    unpivot include nulls (
        category_code for characteristic in (
            breast_density, focal_asymmetry, architectural_distortion, lymph_node_status,
            lymphovascular_invasion, histological_grade
        )
    )
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

characteristics_with_unknowns as (
    select distinct characteristic
    from patient_categories
    where category_code = 'unknown'
),

added_unknown_categories as (
    select
        layout.characteristic,
        any_value(layout.characteristic_label) as characteristic_label,
        any_value(layout.characteristic_order) as characteristic_order,
        'unknown' as category_code,
        'Unknown' as category_label,
        max(layout.category_order) + 1 as category_order
    from layout
    inner join characteristics_with_unknowns
        on layout.characteristic = characteristics_with_unknowns.characteristic
    group by layout.characteristic
    having count(*) filter (where layout.category_code = 'unknown') = 0
),

categories as (
    select
        characteristic,
        characteristic_label,
        characteristic_order,
        category_code,
        category_label,
        category_order
    from layout
    union all
    select
        characteristic,
        characteristic_label,
        characteristic_order,
        category_code,
        category_label,
        category_order
    from added_unknown_categories
),

group_sizes as (
    select
        group_key,
        count(*) as n_group
    from patients
    group by group_key
),

categories_by_group as (
    select
        categories.characteristic,
        categories.characteristic_label,
        categories.characteristic_order,
        categories.category_code,
        categories.category_label,
        categories.category_order,
        main_groups.group_key,
        main_groups.group_label,
        main_groups.group_order
    from categories
    cross join main_groups
),

final as (
    select
        categories_by_group.characteristic,
        categories_by_group.characteristic_label,
        categories_by_group.characteristic_order,
        categories_by_group.category_code,
        categories_by_group.category_label,
        categories_by_group.category_order,
        categories_by_group.category_code = 'unknown' as is_unknown,
        categories_by_group.group_key,
        categories_by_group.group_label,
        categories_by_group.group_order,
        coalesce(observed_counts.n_patients, 0) as n_patients,
        coalesce(group_sizes.n_group, 0) as n_group
    from categories_by_group
    left join observed_counts
        on
            categories_by_group.characteristic = observed_counts.characteristic
            and categories_by_group.category_code = observed_counts.category_code
            and categories_by_group.group_key = observed_counts.group_key
    left join group_sizes
        on categories_by_group.group_key = group_sizes.group_key
)

select * from final
