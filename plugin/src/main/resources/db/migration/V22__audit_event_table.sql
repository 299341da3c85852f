-- The access log in a table of its own, one row per AuditEvent: its JSON and the few values its search
-- parameters need. Stored as general resources, every event cost two resource rows and about ten index
-- rows (with their indexes): a third of the server's CPU during reads. Events are written once, never
-- updated, so there is no history to keep.
create table audit_event (
    res_id       varchar(64)  primary key,
    last_updated timestamp with time zone not null,
    -- the resource the request named (entity.what), and the client whose record it was (the entity
    -- with role Patient): together the values of 'entity'; those of type Patient are 'patient'
    entity_type  varchar(64),
    entity_id    varchar(64),
    patient_id   varchar(64),
    -- who asked: the person (agent.who) and the app (its OAuth client id, 'altid')
    agent_type   varchar(64),
    agent_id     varchar(64),
    client_id    varchar(255),
    action       varchar(8),
    subtype      varchar(64),
    outcome      varchar(8),
    body         text         not null
);
create index audit_event_updated on audit_event (last_updated);
create index audit_event_patient on audit_event (patient_id);
create index audit_event_entity on audit_event (entity_id);

-- Events stored before, as general resources, move here with the values their index rows held. The
-- recorder writes at most two entity references (the resource named and the client's Patient), one
-- agent reference and one client id per event.
insert into audit_event (res_id, last_updated, entity_type, entity_id, patient_id, agent_type,
                         agent_id, client_id, action, subtype, outcome, body)
select e.res_id, e.last_updated, named.target_type, named.target_id, e.patient_id,
       (select min(x.target_type) from search_reference x
         where x.res_type = 'AuditEvent' and x.res_id = e.res_id and x.param = 'agent'),
       (select min(x.target_id) from search_reference x
         where x.res_type = 'AuditEvent' and x.res_id = e.res_id and x.param = 'agent'),
       (select min(t.code) from search_token t
         where t.res_type = 'AuditEvent' and t.res_id = e.res_id and t.param = 'altid'),
       (select min(t.code) from search_token t
         where t.res_type = 'AuditEvent' and t.res_id = e.res_id and t.param = 'action'),
       (select min(t.code) from search_token t
         where t.res_type = 'AuditEvent' and t.res_id = e.res_id and t.param = 'subtype'),
       (select min(t.code) from search_token t
         where t.res_type = 'AuditEvent' and t.res_id = e.res_id and t.param = 'outcome'),
       h.body
  from (select r.res_id, r.last_updated, r.version_id,
               (select max(x.target_id) from search_reference x
                 where x.res_type = 'AuditEvent' and x.res_id = r.res_id and x.param = 'entity'
                   and x.target_type = 'Patient') as patient_id
          from fhir_resource r where r.res_type = 'AuditEvent') e
  join fhir_resource_history h
    on h.res_type = 'AuditEvent' and h.res_id = e.res_id and h.version_id = e.version_id
  left join search_reference named
    on named.res_type = 'AuditEvent' and named.res_id = e.res_id and named.param = 'entity'
   and (e.patient_id is null
        or not (named.target_type = 'Patient' and named.target_id = e.patient_id));

delete from search_token where res_type = 'AuditEvent';
delete from search_reference where res_type = 'AuditEvent';
delete from search_string where res_type = 'AuditEvent';
delete from fhir_resource_history where res_type = 'AuditEvent';
delete from fhir_resource where res_type = 'AuditEvent';
