-- Read model of the divergence feature: one row per current Goal with what alignment summaries need,
-- kept in step with every Goal write (same transaction) and rebuilt from the goals when it is missing.
-- The goals themselves, with their history, stay the record; these rows can always be recomputed.
create table goal_alignment (
    goal_id              varchar(64)  primary key,
    patient_id           varchar(64),
    goal_role            varchar(16)  not null,
    lifecycle            varchar(32)  not null,
    expressed_by         varchar(200),
    description          varchar(200),
    first_recorded       timestamp with time zone not null,
    client_acceptance    varchar(16),
    clinician_acceptance varchar(16),
    -- when the client's (or, on a shared goal, either party's) acceptance last changed
    acceptance_since     timestamp with time zone not null,
    -- the goal-relationship links of the goal, space-separated "type:goalId"
    linked_goals         varchar(4000) not null
);
create index goal_alignment_patient on goal_alignment (patient_id);

-- One row per divergence recorded on a goal (goal-divergence extension), in recorded order.
create table goal_divergence (
    goal_id        varchar(64)  not null,
    seq            int          not null,
    patient_id     varchar(64),
    counterpart_id varchar(64),
    status         varchar(32)  not null,
    dimensions     varchar(255) not null,
    identified     timestamp with time zone,
    strategy_count int          not null,
    last_strategy  timestamp with time zone,
    primary key (goal_id, seq)
);
create index goal_divergence_patient on goal_divergence (patient_id);
