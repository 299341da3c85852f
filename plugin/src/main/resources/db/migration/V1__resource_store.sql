-- Every resource as FHIR JSON: the current version here, every version (current included) in history.
create table fhir_resource (
    res_type     varchar(64)  not null,
    res_id       varchar(64)  not null,
    version_id   bigint       not null,
    last_updated timestamp with time zone not null,
    deleted      boolean      not null,
    body         text         not null,
    primary key (res_type, res_id)
);
create index fhir_resource_updated on fhir_resource (res_type, last_updated);

create table fhir_resource_history (
    res_type     varchar(64)  not null,
    res_id       varchar(64)  not null,
    version_id   bigint       not null,
    last_updated timestamp with time zone not null,
    deleted      boolean      not null,
    method       varchar(8)   not null,
    body         text         not null,
    primary key (res_type, res_id, version_id)
);
create index fhir_history_updated on fhir_resource_history (res_type, last_updated);

-- Search index of the current versions: token parameters (system|code) ...
create table search_token (
    res_type   varchar(64)  not null,
    res_id     varchar(64)  not null,
    param      varchar(64)  not null,
    sys        varchar(255),
    code       varchar(255) not null
);
create index search_token_lookup on search_token (res_type, param, code, sys);
create index search_token_owner on search_token (res_type, res_id);

-- ... references to other resources (type/id) ...
create table search_reference (
    res_type    varchar(64) not null,
    res_id      varchar(64) not null,
    param       varchar(64) not null,
    target_type varchar(64) not null,
    target_id   varchar(64) not null
);
create index search_reference_lookup on search_reference (res_type, param, target_id, target_type);
create index search_reference_owner on search_reference (res_type, res_id);
create index search_reference_target on search_reference (target_type, target_id);

-- ... and strings, kept normalised (lower case) for prefix matching.
create table search_string (
    res_type   varchar(64)  not null,
    res_id     varchar(64)  not null,
    param      varchar(64)  not null,
    val        varchar(255) not null
);
create index search_string_lookup on search_string (res_type, param, val);
create index search_string_owner on search_string (res_type, res_id);

-- Conditional creates with the same criteria take the same row lock, so parallel identical requests
-- create one resource, also across replicas.
create table write_lock (
    bucket int primary key
);
insert into write_lock (bucket) values
 (0),(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),
 (16),(17),(18),(19),(20),(21),(22),(23),(24),(25),(26),(27),(28),(29),(30),(31),
 (32),(33),(34),(35),(36),(37),(38),(39),(40),(41),(42),(43),(44),(45),(46),(47),
 (48),(49),(50),(51),(52),(53),(54),(55),(56),(57),(58),(59),(60),(61),(62),(63);
