-- Demo season modelled on the Sport-Plus and AccèsCité-Loisirs guides (../shared/seeds):
-- day camp weeks 1-8 with a daycare slot per week, swimming levels, a basketball
-- subscription and a free activity that is still "paid" at 0 $ to be reserved.
-- Daycare slots are groups of the day camp program itself, linked to their week, so a week
-- and its daycare are held together in one atomic hold.
-- The sale opens tomorrow at 9:00, Montreal time.

WITH season AS (
    INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)
    VALUES ('Été 2027', 'Summer 2027', '2027-06-21', '2027-08-13', '2027-09-30')
    RETURNING id
), sale AS (
    INSERT INTO sale (season_id, name_fr, name_en, opens_at, two_instalments_min_cents, second_instalment_due_on)
    SELECT id, 'Inscriptions été 2027', 'Summer 2027 registration',
           (date_trunc('day', now() AT TIME ZONE 'America/Toronto') + interval '1 day 9 hours')
               AT TIME ZONE 'America/Toronto',
           20000, '2027-06-01'
      FROM season
    RETURNING id, season_id
), programs AS (
    INSERT INTO program (season_id, sale_id, kind, name_fr, name_en, description_fr, description_en, childcare_eligible)
    SELECT sale.season_id, sale.id, p.kind, p.name_fr, p.name_en, p.description_fr, p.description_en, p.childcare
      FROM sale, (VALUES
        ('day_camp', 'Camp de jour estival', 'Summer day camp',
         'Camp de jour de 9 h à 16 h, semaine par semaine; service de garde de 7 h à 9 h et de 16 h à 17 h 30.',
         'Day camp from 9 a.m. to 4 p.m., week by week; daycare 7-9 a.m. and 4-5:30 p.m.', true),
        ('swimming', 'Natation Croix-Rouge', 'Red Cross swimming',
         'Cours de natation par niveau, le samedi.', 'Swimming lessons by level, on Saturdays.', false),
        ('sport', 'Abonnement basketball', 'Basketball subscription',
         'Ligue récréative, deux soirs par semaine.', 'Recreational league, two evenings a week.', false),
        ('free_activity', 'Heure du conte au parc', 'Story time in the park',
         'Activité gratuite; l''inscription réserve la place.', 'Free activity; registering reserves the place.', false)
      ) AS p (kind, name_fr, name_en, description_fr, description_en, childcare)
    RETURNING id, kind
), camp_weeks AS (
    INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents, age_min, age_max,
                                starts_on, ends_on, schedule_fr, schedule_en, week_number)
    SELECT programs.id, 'Semaine ' || w, 'Week ' || w, 60, 9500, 5, 12,
           date '2027-06-21' + (w - 1) * 7, date '2027-06-25' + (w - 1) * 7,
           'Lun-ven 9 h-16 h', 'Mon-Fri 9 a.m.-4 p.m.', w
      FROM programs, generate_series(1, 8) AS w
     WHERE programs.kind = 'day_camp'
    RETURNING id, week_number
)
INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents, age_min, age_max,
                            starts_on, ends_on, schedule_fr, schedule_en, week_number, daycare_for_group_id)
SELECT programs.id, 'Garde semaine ' || camp_weeks.week_number, 'Daycare week ' || camp_weeks.week_number,
       30, 3500, 5, 12,
       date '2027-06-21' + (camp_weeks.week_number - 1) * 7, date '2027-06-25' + (camp_weeks.week_number - 1) * 7,
       'Lun-ven 7 h-9 h et 16 h-17 h 30', 'Mon-Fri 7-9 a.m. and 4-5:30 p.m.', camp_weeks.week_number, camp_weeks.id
  FROM programs, camp_weeks
 WHERE programs.kind = 'day_camp';

INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents, age_min, age_max,
                            starts_on, ends_on, schedule_fr, schedule_en)
SELECT program.id, g.name_fr, g.name_en, g.capacity, g.price_cents, g.age_min, g.age_max,
       g.starts_on, g.ends_on, g.schedule_fr, g.schedule_en
  FROM program, (VALUES
    ('swimming', 'Préscolaire 1', 'Preschool 1', 8, 6500, 3, 5, date '2027-06-26', date '2027-08-07', 'Samedi 9 h', 'Saturday 9 a.m.'),
    ('swimming', 'Junior 1', 'Junior 1', 10, 6500, 5, 12, date '2027-06-26', date '2027-08-07', 'Samedi 10 h', 'Saturday 10 a.m.'),
    ('swimming', 'Junior 2', 'Junior 2', 10, 6500, 5, 12, date '2027-06-26', date '2027-08-07', 'Samedi 11 h', 'Saturday 11 a.m.'),
    ('swimming', 'Junior 3', 'Junior 3', 10, 6500, 6, 14, date '2027-06-26', date '2027-08-07', 'Samedi 13 h', 'Saturday 1 p.m.'),
    ('swimming', 'Junior 4', 'Junior 4', 10, 6500, 7, 14, date '2027-06-26', date '2027-08-07', 'Samedi 14 h', 'Saturday 2 p.m.'),
    ('sport', 'Basketball U10', 'Basketball U10', 24, 12000, 8, 9, date '2027-06-28', date '2027-08-11', 'Lun et mer 18 h', 'Mon and Wed 6 p.m.'),
    ('sport', 'Basketball U12', 'Basketball U12', 24, 12000, 10, 11, date '2027-06-28', date '2027-08-11', 'Lun et mer 19 h', 'Mon and Wed 7 p.m.'),
    ('free_activity', 'Conte au parc — juillet', 'Story time — July', 40, 0, 3, 8, date '2027-07-06', date '2027-07-27', 'Mardi 10 h', 'Tuesday 10 a.m.')
  ) AS g (kind, name_fr, name_en, capacity, price_cents, age_min, age_max, starts_on, ends_on, schedule_fr, schedule_en)
 WHERE program.kind = g.kind;

-- As many towns do on opening morning: at most 6 camp weeks per child during the first hour.
INSERT INTO sale_child_cap (sale_id, program_id, max_places, for_seconds)
SELECT program.sale_id, program.id, 6, 3600 FROM program WHERE program.kind = 'day_camp';
