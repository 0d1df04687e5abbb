"""Every schema step of the feedback database, in order (read models are rebuildable from events,
except ``webhook_secrets``, ``webhook_deliveries`` and ``reminder_sends``, which are operational state)."""

from __future__ import annotations

from kinerja_feedback.adapters import inbox_view
from kinerja_kernel.db import Migration

MIGRATIONS: tuple[Migration, ...] = (
    *inbox_view.MIGRATIONS,
    Migration("feedback", 2, "directory: roster, office calendar and settings, approved plans, appraisals", """
        ALTER TABLE notifications ADD COLUMN recipient_role text;
        CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL;

        CREATE TABLE people (
            employee_id   text PRIMARY KEY,
            name          text NOT NULL,
            office_id     text NOT NULL,
            unit_id       text NOT NULL,
            evaluator_id  text,
            superior_id   text,
            updated_at    timestamptz NOT NULL
        );
        CREATE INDEX people_office_idx ON people (office_id);
        CREATE INDEX people_evaluator_idx ON people (evaluator_id);

        CREATE TABLE office_calendar (
            office_id             text PRIMARY KEY,
            time_zone             text NOT NULL,
            periodic_cadence      text NOT NULL,
            plan_due_day_of_year  integer NOT NULL,
            updated_at            timestamptz NOT NULL
        );

        CREATE TABLE office_feedback_settings (
            office_id              text PRIMARY KEY,
            peer_feedback_allowed  boolean NOT NULL,
            dialogues_per_period   integer NOT NULL,
            updated_at             timestamptz NOT NULL
        );

        CREATE TABLE approved_plans (
            employee_id  text NOT NULL,
            period_year  integer NOT NULL,
            approved_at  timestamptz NOT NULL,
            PRIMARY KEY (employee_id, period_year)
        );

        CREATE TABLE appraisals (
            appraisal_id  uuid PRIMARY KEY,
            employee_id   text NOT NULL,
            office_id     text NOT NULL,
            evaluator_id  text NOT NULL,
            superior_id   text,
            period_key    text NOT NULL,
            final         boolean NOT NULL DEFAULT false,
            updated_at    timestamptz NOT NULL
        );
    """),
    Migration("feedback", 3, "feedback, dialogues and clarification read models", """
        CREATE TABLE feedback (
            feedback_id   uuid PRIMARY KEY,
            employee_id   text NOT NULL,
            office_id     text NOT NULL,
            author_id     text NOT NULL,
            relation      text NOT NULL,
            kind          text NOT NULL,
            rhk_id        uuid,
            iki_id        uuid,
            value         text,
            text          text NOT NULL,
            evidence      jsonb NOT NULL,
            given_on      date NOT NULL,
            given_at      timestamptz NOT NULL,
            response      text,
            responded_at  timestamptz,
            version       integer NOT NULL
        );
        CREATE INDEX feedback_employee_idx ON feedback (employee_id, given_on);
        CREATE INDEX feedback_author_idx ON feedback (author_id, given_on);

        CREATE TABLE dialogues (
            dialogue_id         uuid PRIMARY KEY,
            employee_id         text NOT NULL,
            evaluator_id        text NOT NULL,
            office_id           text NOT NULL,
            period_key          text NOT NULL,
            scheduled_at        timestamptz NOT NULL,
            agenda              text,
            notes               text,
            response            text,
            status              text NOT NULL,
            employee_ack_at     timestamptz,
            evaluator_ack_at    timestamptz,
            version             integer NOT NULL,
            updated_at          timestamptz NOT NULL
        );
        CREATE INDEX dialogues_employee_idx ON dialogues (employee_id, period_key);
        CREATE INDEX dialogues_office_idx ON dialogues (office_id, period_key);

        CREATE TABLE dialogue_actions (
            action_id    uuid PRIMARY KEY,
            dialogue_id  uuid NOT NULL REFERENCES dialogues (dialogue_id),
            description  text NOT NULL,
            owner_id     text NOT NULL,
            due_on       date,
            done_at      timestamptz,
            done_by      text,
            note         text
        );
        CREATE INDEX dialogue_actions_dialogue_idx ON dialogue_actions (dialogue_id);
        CREATE INDEX dialogue_actions_owner_idx ON dialogue_actions (owner_id) WHERE done_at IS NULL;

        CREATE TABLE clarifications (
            clarification_id  uuid PRIMARY KEY,
            appraisal_id      uuid NOT NULL,
            employee_id       text NOT NULL,
            evaluator_id      text NOT NULL,
            office_id         text NOT NULL,
            period_key        text NOT NULL,
            topic             jsonb NOT NULL,
            status            text NOT NULL,
            created_at        timestamptz NOT NULL,
            updated_at        timestamptz NOT NULL,
            version           integer NOT NULL
        );
        CREATE INDEX clarifications_appraisal_idx ON clarifications (appraisal_id);

        CREATE TABLE clarification_messages (
            clarification_id  uuid NOT NULL REFERENCES clarifications (clarification_id),
            seq               integer NOT NULL,
            author_id         text NOT NULL,
            party             text NOT NULL,
            text              text NOT NULL,
            at                timestamptz NOT NULL,
            PRIMARY KEY (clarification_id, seq)
        );
    """),
    Migration("feedback", 4, "reminder schedule and sends", """
        CREATE TABLE reminder_schedule (
            reminder_key  text PRIMARY KEY,
            recipient_id  text NOT NULL,
            office_id     text NOT NULL,
            kind          text NOT NULL,
            reference     text NOT NULL,
            deadline      timestamptz NOT NULL,
            offsets       integer[] NOT NULL,
            cancelled_at  timestamptz,
            created_at    timestamptz NOT NULL
        );
        CREATE INDEX reminder_schedule_due_idx ON reminder_schedule (deadline) WHERE cancelled_at IS NULL;
        CREATE INDEX reminder_schedule_recipient_idx ON reminder_schedule (recipient_id, deadline);

        CREATE TABLE reminder_sends (
            reminder_key  text NOT NULL,
            offset_days   integer NOT NULL,
            status        text NOT NULL,
            at            timestamptz NOT NULL,
            event_id      uuid,
            PRIMARY KEY (reminder_key, offset_days)
        );
    """),
    Migration("feedback", 5, "webhook subscriptions, secrets and the delivery queue", """
        CREATE TABLE webhook_subscriptions (
            subscription_id     uuid PRIMARY KEY,
            office_id           text NOT NULL,
            url                 text NOT NULL,
            roles               text[] NOT NULL,
            kinds               text[] NOT NULL,
            description         text,
            secret_fingerprint  text NOT NULL,
            active              boolean NOT NULL,
            created_at          timestamptz NOT NULL
        );
        CREATE INDEX webhook_subscriptions_office_idx ON webhook_subscriptions (office_id) WHERE active;

        CREATE TABLE webhook_secrets (
            subscription_id  uuid PRIMARY KEY,
            secret           text NOT NULL
        );

        CREATE TABLE webhook_deliveries (
            delivery_id      uuid PRIMARY KEY,
            subscription_id  uuid NOT NULL,
            notification_id  uuid NOT NULL,
            kind             text NOT NULL,
            body             text NOT NULL,
            status           text NOT NULL,
            attempts         integer NOT NULL DEFAULT 0,
            next_attempt_at  timestamptz NOT NULL,
            lease_until      timestamptz,
            last_error       text,
            last_status      integer,
            created_at       timestamptz NOT NULL,
            delivered_at     timestamptz,
            UNIQUE (subscription_id, notification_id)
        );
        CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC);
    """),
    Migration("feedback", 6, "acting officials (Plt/Plh) learned from planning", """
        CREATE TABLE acting_appointments (
            appointment_id uuid PRIMARY KEY,
            office_id text NOT NULL,
            absent_id text NOT NULL,
            acting_id text NOT NULL,
            kind text NOT NULL,
            starts_on date NOT NULL,
            ends_on date NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX acting_appointments_absent_idx ON acting_appointments (absent_id);
    """),
    Migration("feedback", 7, "dialogues by the evaluator who holds them (the team overview in one query)", """
        CREATE INDEX dialogues_evaluator_idx ON dialogues (evaluator_id, period_key);
    """),
)
