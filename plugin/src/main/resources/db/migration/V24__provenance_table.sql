-- Provenance in a table of its own, one row per Provenance: its JSON and the values its search
-- parameters need. The server writes one with every write and never changes it, so there is no
-- history to keep. Stored as general resources, each cost two resource rows and three reference rows,
-- with their indexes: about a third of the database work of every write.
create table provenance (
    res_id       varchar(64)  primary key,
    last_updated timestamp with time zone not null,
    -- the resource version written (target): its type and id
    target_type  varchar(64),
    target_id    varchar(64),
    -- who wrote it (agent.who), when that is a resource on this server
    agent_type   varchar(64),
    agent_id     varchar(64),
    body         text         not null
);
create index provenance_target on provenance (target_id, target_type);
create index provenance_updated on provenance (last_updated);

-- Provenance stored before, as general resources, moves here with the values its index rows held. The
-- recorder writes one target and one agent per Provenance.
insert into provenance (res_id, last_updated, target_type, target_id, agent_type, agent_id, body)
select r.res_id, r.last_updated,
       (select min(x.target_type) from search_reference x
         where x.res_type = 'Provenance' and x.res_id = r.res_id and x.param = 'target'),
       (select min(x.target_id) from search_reference x
         where x.res_type = 'Provenance' and x.res_id = r.res_id and x.param = 'target'),
       (select min(x.target_type) from search_reference x
         where x.res_type = 'Provenance' and x.res_id = r.res_id and x.param = 'agent'),
       (select min(x.target_id) from search_reference x
         where x.res_type = 'Provenance' and x.res_id = r.res_id and x.param = 'agent'),
       h.body
  from fhir_resource r
  join fhir_resource_history h
    on h.res_type = r.res_type and h.res_id = r.res_id and h.version_id = r.version_id
 where r.res_type = 'Provenance';

delete from search_token where res_type = 'Provenance';
delete from search_reference where res_type = 'Provenance';
delete from search_string where res_type = 'Provenance';
delete from fhir_resource_history where res_type = 'Provenance';
delete from fhir_resource where res_type = 'Provenance';
