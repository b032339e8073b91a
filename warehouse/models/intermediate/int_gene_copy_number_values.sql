-- Gene-level value per sample: overlap-length-weighted mean of segment values over the gene
-- (GISTIC -gcm mean on segment data). A gene no segment overlaps (a gap in the
-- segmentation) takes the mean of its two flanking segments, as GISTIC uses flanking markers.
with segments as (
    select * from {{ ref('int_segments_median_centred') }}
),

genes as (
    select * from {{ ref('int_genes_with_cytobands') }}
),

samples as (
    select distinct sample_id from segments
),

overlapping as (
    select
        segments.sample_id,
        genes.gene_symbol,
        sum(
            segments.copy_number_value
            * (
                least(segments.end_position, genes.end_position)
                - greatest(segments.start_position, genes.start_position) + 1
            )
        )
        / sum(
            least(segments.end_position, genes.end_position)
            - greatest(segments.start_position, genes.start_position) + 1
        ) as copy_number_value,
        'overlap' as value_source
    from genes
    inner join segments
        on
            genes.chromosome = segments.chromosome
            and genes.end_position >= segments.start_position
            and genes.start_position <= segments.end_position
    group by segments.sample_id, genes.gene_symbol
),

uncovered as (
    select
        samples.sample_id,
        genes.gene_symbol,
        genes.chromosome,
        genes.start_position,
        genes.end_position
    from samples
    cross join genes
    anti join overlapping
        on
            samples.sample_id = overlapping.sample_id
            and genes.gene_symbol = overlapping.gene_symbol
),

left_flank as (
    select
        uncovered.sample_id,
        uncovered.gene_symbol,
        segments.copy_number_value
    from uncovered
    asof left join segments
        on
            uncovered.sample_id = segments.sample_id
            and uncovered.chromosome = segments.chromosome
            and uncovered.start_position >= segments.end_position
),

right_flank as (
    select
        uncovered.sample_id,
        uncovered.gene_symbol,
        segments.copy_number_value
    from uncovered
    asof left join segments
        on
            uncovered.sample_id = segments.sample_id
            and uncovered.chromosome = segments.chromosome
            and uncovered.end_position <= segments.start_position
),

flanked as (
    select
        left_flank.sample_id,
        left_flank.gene_symbol,
        case
            when left_flank.copy_number_value is null then right_flank.copy_number_value
            when right_flank.copy_number_value is null then left_flank.copy_number_value
            else (left_flank.copy_number_value + right_flank.copy_number_value) / 2
        end as copy_number_value,
        'flanking_segments' as value_source
    from left_flank
    inner join right_flank
        on
            left_flank.sample_id = right_flank.sample_id
            and left_flank.gene_symbol = right_flank.gene_symbol
),

final as (
    select * from overlapping
    union all
    select * from flanked
    where copy_number_value is not null
)

select * from final
