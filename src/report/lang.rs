//! The words of the HTML report and of the charts, in English and Danish.
//!
//! Every string a reader sees in a report or a chart comes from [`STRINGS`], looked up by key, so the two languages
//! cannot drift apart: a key has both or neither. docs/outputs.md lists the table (a test keeps it in step).
//! `{}` in a string is filled in by the caller, in order.

use chrono::{Datelike, NaiveDate};

/// The language of a report's and a chart's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Danish.
    Da,
}

/// Key, English, Danish.
pub const STRINGS: &[(&str, &str, &str)] = &[
    // Charts.
    ("pending", "pending", "afventende"),
    ("overdue", "overdue (the backlog)", "overskredne (puklen)"),
    ("capacity", "capacity", "kapacitet"),
    ("demand", "meetings due (demand)", "samtaler der forfalder (efterspørgsel)"),
    ("suspension", "suspension", "suspension"),
    ("meetings", "meetings", "samtaler"),
    ("meetings_per_day", "meetings per day (7-day mean)", "samtaler pr. dag (7-dages gennemsnit)"),
    ("overdue_meetings", "overdue meetings", "overskredne samtaler"),
    ("panel_backlog", "{}: meetings pending and overdue", "{}: afventende og overskredne samtaler"),
    ("panel_capacity", "{}: capacity and meetings due per day", "{}: kapacitet og forfaldne samtaler pr. dag"),
    ("fan_title", "{}: overdue meetings (the backlog) over the draws", "{}: overskredne samtaler (puklen) over trækningerne"),
    ("fan_median", "median over draws and replications", "median over trækninger og replikationer"),
    ("fan_central", "median at the central values (dice only)", "median ved de centrale værdier (kun terningerne)"),
    ("fan_50", "50 % band", "50 %-bånd"),
    ("fan_90", "90 % band", "90 %-bånd"),
    ("all_municipalities", "All municipalities", "Alle kommuner"),
    ("series_title", "{}: statutory meetings, {} to {}", "{}: lovpligtige samtaler, {} til {}"),
    ("series_subtitle", "Shaded: suspension windows. Capacity and meetings due: 7-day means. One replication (the scenario's seed).", "Skraveret: suspension. Kapacitet og forfaldne samtaler: 7-dages gennemsnit. Én replikation (scenariets seed)."),
    ("series_largest", "Below the total: the {} municipalities with the largest backlog peaks.", "Under totalen: de {} kommuner med de største pukler."),
    ("series_chosen", "Below the total: the municipalities asked for.", "Under totalen: de valgte kommuner."),
    ("event_suspension", "suspended {}", "suspenderet {}"),
    ("event_reopening", "reopened {}", "genåbnet {}"),
    ("event_dead_period", "dead period ends {}", "død periode slutter {}"),
    ("akasse_pending", "a-kasse: pending", "a-kasse: afventende"),
    ("akasse_overdue", "a-kasse: overdue", "a-kasse: overskredne"),
    ("akasse_held", "a-kasse: meetings held", "a-kasse: holdte samtaler"),
    ("akasse_capacity", "a-kasse: capacity", "a-kasse: kapacitet"),
    ("panel_akasse_backlog", "{}: the a-kasse's meetings pending and overdue", "{}: a-kassens afventende og overskredne samtaler"),
    ("panel_akasse_held", "{}: the a-kasse's capacity and meetings held per day", "{}: a-kassens kapacitet og holdte samtaler pr. dag"),
    ("groups_title", "{}: overdue meetings by benefit group", "{}: overskredne samtaler pr. ydelsesgruppe"),
    ("overlay_title", "Overdue statutory meetings (the backlog), all municipalities of each scenario", "Overskredne lovpligtige samtaler (puklen), alle kommuner i hvert scenarie"),
    ("overlay_subtitle", "Shaded: suspension windows (grey: every scenario's; in a scenario's colour: its own). One replication each. Markers tell the lines apart.", "Skraveret: suspension (grå: alle scenariers; i et scenaries farve: dets egen). Én replikation hver. Markørerne skelner linjerne."),
    ("sweep_title", "{}: days to clear the backlog against {}", "{}: dage til puklen er væk mod {}"),
    ("sweep_subtitle", "Line: mean over replications; shaded: 5 %-95 % band; x on the top edge: not cleared in every replication.", "Linje: gennemsnit over replikationer; skraveret: 5 %-95 %-bånd; x i toppen: ikke væk i alle replikationer."),
    ("sweep_y", "days to clear (from the end of the suspension)", "dage til puklen er væk (fra suspensionens slutning)"),
    ("sweep_band", "5 %-95 % over replications", "5 %-95 % over replikationer"),
    ("sweep_mean", "mean days to clear", "gennemsnitlige dage til puklen er væk"),
    ("sweep_not_cleared", "not cleared in every replication", "ikke væk i alle replikationer"),
    ("sweep_target", "target: {}", "mål: {}"),
    ("sweep_answer", "answer: {}", "svar: {}"),
    ("sweep_target_text", "{} by {} in {} of replications", "{} senest {} i {} af replikationerne"),
    ("sweep_no_answer", "no point meets the target", "intet punkt når målet"),
    // The report.
    ("report_title", "Statutory meeting backlog: {}", "Pukkel af lovpligtige samtaler: {}"),
    ("report_lead", "{} to {}, {} replications, seed {}.", "{} til {}, {} replikationer, seed {}."),
    ("report_lead_one", "{} to {}, one replication, seed {}.", "{} til {}, én replikation, seed {}."),
    ("caption_series", "Shaded: suspension windows; vertical lines: dated events. One replication (the scenario's seed).", "Skraveret: suspension; lodrette linjer: datoer. Én replikation (scenariets seed)."),
    ("caption_capacity", "Capacity: meetings the caseworkers could hold; meetings due: the demand. 7-day means.", "Kapacitet: samtaler sagsbehandlerne kunne holde; forfaldne samtaler: efterspørgslen. 7-dages gennemsnit."),
    ("caption_akasse", "The a-kasse side: its own meetings and the joint ones, pending and overdue (left); its capacity and the meetings it held (right), 7-day means. Shaded: the windows that close the a-kasse. One replication (the scenario's seed).", "A-kassesiden: dens egne samtaler og fællessamtalerne, afventende og overskredne (venstre); dens kapacitet og de samtaler, den holdt (højre), 7-dages gennemsnit. Skraveret: de perioder, der lukker a-kassen. Én replikation (scenariets seed)."),
    ("headline", "Headline", "Hovedtal"),
    ("peak_backlog", "Peak backlog", "Største pukkel"),
    ("peak_on", "overdue meetings on {}", "overskredne samtaler den {}"),
    ("cleared", "Backlog cleared", "Puklen væk"),
    ("cleared_after", "{} days after the suspension", "{} dage efter suspensionen"),
    ("not_cleared", "not cleared by {}", "ikke væk den {}"),
    ("no_backlog", "no backlog", "ingen pukkel"),
    ("on_time", "Held on time", "Holdt til tiden"),
    ("on_time_of", "of {} meetings held", "af {} holdte samtaler"),
    ("load", "Load per caseworker", "Belastning pr. sagsbehandler"),
    ("load_value", "meetings held per caseworker per working day", "holdte samtaler pr. sagsbehandler pr. arbejdsdag"),
    ("load_persons", "{} persons per caseworker", "{} personer pr. sagsbehandler"),
    ("band", "5-95 %: {}", "5-95 %: {}"),
    ("section_backlog", "The backlog", "Puklen"),
    ("section_drivers", "What drives this answer", "Hvad driver svaret"),
    ("drivers_note", "The {} of the {} ranged inputs that move the backlog peak of {} most when each goes alone from its 5 % to its 95 % quantile, the others at their central values (a one-at-a-time tornado: `backlog sensitivity` ranks every input, with Sobol' indices). Each point is the mean of {} replications; {} points. Backlog peak at the central values: {}.", "De {} af de {} usikre input, der flytter største pukkel for {} mest, når hvert går alene fra sin 5 %- til sin 95 %-fraktil og de andre står på deres centrale værdier (en tornado ét input ad gangen: `backlog sensitivity` rangerer alle input med Sobol'-indeks). Hvert punkt er gennemsnittet af {} replikationer; {} punkter. Største pukkel ved de centrale værdier: {}."),
    ("drivers_title", "{}: what moves the backlog peak", "{}: hvad flytter største pukkel"),
    ("drivers_subtitle", "Each input alone at its 5 % and 95 % quantile, the others at their central values; mean of {} replications.", "Hvert input alene på sin 5 %- og 95 %-fraktil, de andre på deres centrale værdier; gennemsnit af {} replikationer."),
    ("drivers_central", "central: {}", "centralt: {}"),
    ("drivers_low", "input at its 5 % quantile", "input på sin 5 %-fraktil"),
    ("drivers_high", "input at its 95 % quantile", "input på sin 95 %-fraktil"),
    ("caption_drivers", "Bars from the peak with the input at its 5 % quantile (blue) to the peak with it at its 95 % quantile (vermillion); the vertical line: every input central.", "Søjler fra puklen med input på sin 5 %-fraktil (blå) til puklen med det på sin 95 %-fraktil (orangerød); den lodrette linje: alle input centrale."),
    ("caption_fan", "Shaded: the 50 % and 90 % bands of the backlog over every draw and replication; line: their median; thin black line: the median over replications at the central values (the dice only). Grey: suspension windows.", "Skraveret: 50 %- og 90 %-båndet for puklen over alle trækninger og replikationer; linje: medianen; tynd sort linje: medianen over replikationer ved de centrale værdier (kun terningerne). Grå: suspension."),
    ("range_uniform", "uniform", "ligefordelt"),
    ("range_triangular", "triangular", "trekantfordelt"),
    ("range_normal", "normal", "normalfordelt"),
    ("range_lognormal", "lognormal", "lognormalfordelt"),
    ("range_to", "to", "til"),
    ("range_mode", "mode", "typetal"),
    ("range_one_of", "one of", "en af"),
    ("range_weights", "weights", "vægte"),
    ("report_plausible", "With {} sets of the plausible set {} (the draws of {} inputs given as ranges that agree with the calibration targets), each run {} times: the bands are over sets and replications together (predictive).", "Med {} sæt fra det plausible sæt {} (de trækninger af {} input givet som intervaller, der stemmer med kalibreringsmålene), hver kørt {} gange: båndene er over sæt og replikationer tilsammen (prædiktive)."),
    ("report_draws", "With {} draws of {} inputs given as ranges (a Latin hypercube), each run {} times: the bands are over draws and replications together (predictive).", "Med {} trækninger af {} input givet som intervaller (et latinsk hyperkubedesign), hver kørt {} gange: båndene er over trækninger og replikationer tilsammen (prædiktive)."),
    ("col_rank", "rank", "rang"),
    ("col_input", "input", "input"),
    ("col_range", "range", "interval"),
    ("col_low_value", "value at 5 %", "værdi ved 5 %"),
    ("col_high_value", "value at 95 %", "værdi ved 95 %"),
    ("col_at_low", "peak at 5 %", "pukkel ved 5 %"),
    ("col_at_high", "peak at 95 %", "pukkel ved 95 %"),
    ("col_swing", "swing", "udsving"),
    ("prov_draws", "draws (--draws)", "trækninger (--draws)"),
    ("section_capacity", "Capacity against demand", "Kapacitet mod efterspørgsel"),
    ("section_municipalities", "Municipalities", "Kommuner"),
    ("section_groups", "Benefit groups", "Ydelsesgrupper"),
    ("section_akasse", "The a-kasse side", "A-kassesiden"),
    ("akasse_lead", "The a-kasse's own meetings and the joint ones, with the a-kasse's capacity: {}.", "A-kassens egne samtaler og fællessamtalerne, med a-kassens kapacitet: {}."),
    ("akasse_joint", "Joint meetings held: {}. Days they waited for the jobcentre: {}; for the a-kasse: {}.", "Holdte fællessamtaler: {}. Dage de ventede på jobcentret: {}; på a-kassen: {}."),
    ("akasse_total", "all municipalities", "alle kommuner"),
    ("section_compare", "Scenarios compared", "Scenarier sammenlignet"),
    ("section_timeliness", "Timeliness rules", "Rettidighed"),
    ("timeliness_hint", "Which municipalities each rule flags in each scenario. The measure is a proxy: the share of the counted statutory meetings held by their deadline, on the counts averaged over replications, not the share of persons with the required meetings that the state measures.", "Hvilke kommuner hver regel udpeger i hvert scenarie. Målet er en tilnærmelse: andelen af de talte lovpligtige samtaler holdt inden fristen, på tal gennemsnitlige over replikationerne, ikke statens andel af personer med de krævede samtaler."),
    ("timeliness_monthly", "share on time per month", "andel til tiden pr. måned"),
    ("timeliness_rolling12", "share on time over the last 12 months", "andel til tiden de seneste 12 måneder"),
    ("timeliness_rule", "{}, under {} for {} months in a row", "{}, under {} i {} måneder i træk"),
    ("timeliness_excluded", "not counted: {}", "ikke talt med: {}"),
    ("timeliness_source", "Source: {}", "Kilde: {}"),
    ("col_flagged_count", "flagged", "udpeget"),
    ("col_flagged", "municipalities flagged (first month; share of replications)", "udpegede kommuner (første måned; andel af replikationer)"),
    ("timeliness_count", "{} of {}", "{} af {}"),
    ("timeliness_flagged_entry", "{} ({}; {})", "{} ({}; {})"),
    ("timeliness_none", "none", "ingen"),
    ("timeliness_no_rule", "the scenario has no such rule", "scenariet har ikke denne regel"),
    ("section_checks", "Published figures", "Offentliggjorte tal"),
    ("section_provenance", "Provenance", "Oprindelse"),
    ("sort_hint", "Click a column heading to sort.", "Klik på en kolonneoverskrift for at sortere."),
    ("col_code", "code", "kode"),
    ("col_municipality", "municipality", "kommune"),
    ("col_group", "benefit group", "ydelsesgruppe"),
    ("col_due", "due", "forfaldne"),
    ("col_held", "held", "holdte"),
    ("col_on_time", "on time", "til tiden"),
    ("col_peak", "backlog peak", "største pukkel"),
    ("col_peak_date", "peak date", "dato for største pukkel"),
    ("col_cleared", "cleared", "væk"),
    ("col_days_to_clear", "days to clear (median)", "dage til væk (median)"),
    ("episodes_heading", "Backlog episodes, one per suspension", "Pukler, én pr. suspension"),
    ("episodes_hint", "Each suspension's backlog from its start to the next one's, cleared when back at its level the day before it, days counted from its end.", "Hver suspensions pukkel fra dens start til den næstes, væk når den er tilbage på niveauet dagen før, dage talt fra dens slutning."),
    ("col_episode", "suspension", "suspension"),
    ("col_before", "backlog before", "pukkel før"),
    ("episodes_all_groups", "all groups", "alle grupper"),
    ("not_cleared_before", "not cleared before {}", "ikke væk før {}"),
    ("col_mtg_cw", "meetings per caseworker-day", "samtaler pr. sagsbehandlerdag"),
    ("col_pers_cw", "persons per caseworker", "personer pr. sagsbehandler"),
    ("col_caseworkers", "caseworkers (FTE, mean)", "sagsbehandlere (årsværk, gennemsnit)"),
    ("col_peak_cw", "backlog peak per caseworker", "største pukkel pr. sagsbehandler"),
    ("col_metric", "metric", "mål"),
    ("col_status", "status", "status"),
    ("col_figure", "figure", "tal"),
    ("col_published", "published", "offentliggjort"),
    ("col_simulated", "simulated (5-95 %)", "simuleret (5-95 %)"),
    ("col_error", "error", "afvigelse"),
    ("col_tolerance", "tolerance", "tolerance"),
    ("col_source", "source", "kilde"),
    ("mape", "MAPE {}", "MAPE {}"),
    ("worst", "furthest off: {}", "længst fra: {}"),
    ("known_miss", "known miss: {}", "kendt afvigelse: {}"),
    ("compare_note", "Totals over all municipalities, means over replications; differences against A (pp: percentage points).", "Totaler over alle kommuner, gennemsnit over replikationer; forskelle i forhold til A (pp: procentpoint)."),
    ("prov_scenario", "scenario", "scenarie"),
    ("prov_file", "file", "fil"),
    ("prov_sha256", "sha256 of the files read", "sha256 af de læste filer"),
    ("prov_seed", "seed", "seed"),
    ("prov_reps", "replications", "replikationer"),
    ("prov_period", "period", "periode"),
    ("prov_shown", "municipalities shown (codes)", "viste kommuner (koder)"),
    ("prov_set", "values set (--set)", "ændrede værdier (--set)"),
    ("prov_version", "backlog version", "backlog-version"),
    ("prov_command", "command", "kommando"),
    ("prov_note", "Charts show replication 0, whose seed is the scenario's seed; numbers are means over replications.", "Graferne viser replikation 0 med scenariets seed; tallene er gennemsnit over replikationer."),
    ("prov_note_draws", "The fan chart is over every draw and replication; the other charts show replication 0 at the central values, whose seed is the scenario's seed; numbers are means over draws and replications.", "Viftegrafen er over alle trækninger og replikationer; de andre grafer viser replikation 0 ved de centrale værdier med scenariets seed; tallene er gennemsnit over trækninger og replikationer."),
    ("not_cleared_short", "not cleared", "ikke væk"),
    ("m_due", "meetings due", "forfaldne samtaler"),
    ("m_held", "meetings held", "holdte samtaler"),
    ("m_on_time_share", "held on time", "holdt til tiden"),
    ("m_waived", "waived", "frafaldet"),
    ("m_dropped", "dropped (person left)", "bortfaldet (personen gik ud)"),
    ("m_suspended", "fell due in a suspension", "forfaldt under suspension"),
    ("m_backlog_peak", "backlog peak (overdue)", "største pukkel (overskredne)"),
    ("m_backlog_peak_date", "backlog peak date", "dato for største pukkel"),
    ("m_days_to_clear", "days to clear", "dage til puklen er væk"),
    ("m_backlog_cleared_date", "backlog cleared on", "puklen væk den"),
    ("m_overdue_end", "overdue at end", "overskredne ved slut"),
    ("m_pending_end", "pending at end", "afventende ved slut"),
    ("m_capacity", "capacity (meetings)", "kapacitet (samtaler)"),
    ("m_utilisation", "capacity used", "udnyttet kapacitet"),
    ("m_caseworkers", "caseworkers (FTE, mean)", "sagsbehandlere (årsværk, gennemsnit)"),
    ("m_meetings_per_caseworker_day", "meetings per caseworker-day", "samtaler pr. sagsbehandlerdag"),
    ("m_active_per_caseworker", "persons per caseworker", "personer pr. sagsbehandler"),    ("section_maps", "Maps", "Kort"),
    ("map_backlog_peak_per_caseworker", "Backlog peak per caseworker", "Største pukkel pr. sagsbehandler"),
    ("map_days_to_clear", "Days to clear the backlog", "Dage til puklen er væk"),
    ("map_on_time_share", "Meetings held on time", "Samtaler holdt til tiden"),
    ("unit_backlog_peak_per_caseworker", "overdue meetings per FTE", "overskredne samtaler pr. årsværk"),
    ("unit_days_to_clear", "days", "dage"),
    ("unit_on_time_share", "% on time", "% til tiden"),
    ("map_caption", "Means over replications. Grey: no value (a backlog never cleared, or not in the scenario). Hover over a municipality for its name and value; the table below has the same figures.", "Gennemsnit over replikationer. Grå: ingen værdi (en pukkel der aldrig forsvandt, eller ikke i scenariet). Hold musen over en kommune for navn og værdi; tabellen nedenfor har de samme tal."),
    ("map_subtitle", "{}, means over {} replications", "{}, gennemsnit over {} replikationer"),
    ("map_no_data", "no data", "ingen data"),
    ("map_timeliness_flagged", "Municipalities a timeliness rule flags", "Kommuner en rettidighedsregel udpeger"),
    ("unit_timeliness_flagged", "flagged", "udpeget"),
    ("map_flag_title", "Flagged by the timeliness rule {}", "Udpeget af rettidighedsreglen {}"),
    ("map_flag_heading", "Rule {}", "Regel {}"),
    ("map_flagged", "flagged", "udpeget"),
    ("map_not_flagged", "not flagged", "ikke udpeget"),
    ("map_flagged_from", "flagged from {}", "udpeget fra {}"),
    ("map_flag_runs", "in {} of {} replications", "i {} af {} replikationer"),
    ("map_flag_caption", "Flagged on the counts averaged over replications, as in the timeliness section. Hover over a municipality for its name, the month it is first flagged and in how many replications it is; the table below has the same.", "Udpeget på tallene gennemsnitlige over replikationerne, som i afsnittet om rettidighed. Hold musen over en kommune for navn, den måned den først udpeges, og i hvor mange replikationer; tabellen nedenfor har det samme."),
    // The allocation report (`backlog allocate --report`).
    ("alloc_title", "{}: where {} extra FTE cut {} most", "{}: hvor {} ekstra årsværk mindsker {} mest"),
    ("alloc_lead", "{} extra FTE in steps of {}, at work from {} to {}, shared to make the national {} from {} to the end of the scenario as few as they can be.", "{} ekstra årsværk i trin på {}, i arbejde fra {} til {}, fordelt så de nationale {} fra {} til scenariets slutning bliver så få som muligt."),
    ("alloc_runs", "{} replications, seed {}, {} runs.", "{} replikationer, seed {}, {} kørsler."),
    ("alloc_runs_one", "One replication, seed {}, {} runs.", "Én replikation, seed {}, {} kørsler."),
    ("objective_overdue_days", "overdue meeting-days", "overskredne samtaledage"),
    ("objective_held_late", "meetings held late", "samtaler holdt for sent"),
    ("objective_flagged", "municipalities flagged by the timeliness rule", "kommuner udpeget af rettidighedsreglen"),
    ("section_national", "Splits compared", "Fordelinger sammenlignet"),
    ("section_alloc_map", "Where the staff go", "Hvor personalet skal hen"),
    ("col_split", "split", "fordeling"),
    ("col_objective", "{} (mean)", "{} (gennemsnit)"),
    ("col_band", "5-95 % over replications", "5-95 % over replikationer"),
    ("col_margin", "more than optimal", "flere end den bedste"),
    ("col_margin_share", "more than optimal, share", "flere end den bedste, andel"),
    ("col_paired", "paired 5-95 %", "parvis 5-95 %"),
    ("split_none", "no extra staff", "intet ekstra personale"),
    ("split_optimal", "optimal", "bedste"),
    ("split_population", "by population", "efter indbyggertal"),
    ("split_caseload", "by caseload", "efter sagsmængde"),
    ("split_backlog_peak", "by backlog peak", "efter største pukkel"),
    ("alloc_national_note", "Every split places exactly {} FTE; the optimal one is found by dynamic programming over each municipality's curve, the others share the FTE by population, by caseload at the start and by the backlog peak without extra staff. Paired: the difference from the optimal split replication by replication (the same people in both).", "Hver fordeling placerer præcis {} årsværk; den bedste findes ved dynamisk programmering over hver kommunes kurve, de andre fordeler årsværkene efter indbyggertal, efter sagsmængden ved start og efter den største pukkel uden ekstra personale. Parvis: forskellen fra den bedste fordeling replikation for replikation (de samme personer i begge)."),
    ("alloc_map_title", "Extra caseworkers: {} FTE", "Ekstra sagsbehandlere: {} årsværk"),
    ("alloc_map_subtitle", "{}: split to minimise {} from {}", "{}: fordelt så der bliver færrest {} fra {}"),
    ("alloc_map_unit", "FTE added", "årsværk tilføjet"),
    ("alloc_map_caption", "The optimal split. Grey: not in the scenario. Hover over a municipality for its name and FTE; the table below has the same figures.", "Den bedste fordeling. Grå: ikke i scenariet. Hold musen over en kommune for navn og årsværk; tabellen nedenfor har de samme tal."),
    ("alloc_municipalities_note", "{} per municipality without extra staff and with the optimal split's FTE: means over replications, and the 5-95 % band over them.", "{} pr. kommune uden ekstra personale og med den bedste fordelings årsværk: gennemsnit over replikationer og 5-95 %-båndet over dem."),
    ("col_fte_added", "FTE added", "årsværk tilføjet"),
    ("col_without", "without extra staff", "uden ekstra personale"),
    ("col_with", "with the FTE added", "med de tilføjede årsværk"),
    ("col_with_band", "with the FTE added, 5-95 %", "med de tilføjede årsværk, 5-95 %"),
    ("prov_objective", "objective (--objective)", "mål (--objective)"),
    ("prov_add", "extra FTE (--add, --step)", "ekstra årsværk (--add, --step)"),
    ("prov_window", "extra staff at work", "ekstra personale i arbejde"),
    ("prov_runs", "runs", "kørsler"),
];

/// Month names, January first.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

impl Lang {
    /// The string under `key`; a key missing from [`STRINGS`] is a bug, caught by the tests that draw every chart
    /// and write every report in both languages.
    pub fn text(self, key: &str) -> &'static str {
        let (_, en, da) = STRINGS
            .iter()
            .find(|(k, _, _)| *k == key)
            .unwrap_or_else(|| panic!("no label `{key}` in report::lang::STRINGS"));
        match self {
            Lang::En => en,
            Lang::Da => da,
        }
    }

    /// The string under `key` with each `{}` replaced by the next of `args`.
    pub fn fill(self, key: &str, args: &[&str]) -> String {
        let mut out = String::new();
        let mut args = args.iter();
        let mut parts = self.text(key).split("{}");
        out.push_str(parts.next().unwrap_or(""));
        for part in parts {
            out.push_str(args.next().copied().unwrap_or(""));
            out.push_str(part);
        }
        out
    }

    /// A date as a reader writes it: "16 June 2020" or "16. juni 2020".
    pub fn date(self, date: NaiveDate) -> String {
        let month = date.month0() as usize;
        match self {
            Lang::En => format!("{} {} {}", date.day(), MONTHS_EN[month], date.year()),
            Lang::Da => format!("{}. {} {}", date.day(), MONTHS_DA[month], date.year()),
        }
    }

    /// A short date for chart annotations: "26 May" or "26. maj".
    pub fn short_date(self, date: NaiveDate) -> String {
        let month = date.month0() as usize;
        match self {
            Lang::En => format!("{} {}", date.day(), &MONTHS_EN[month][..3]),
            Lang::Da => format!("{}. {}", date.day(), &MONTHS_DA[month][..3]),
        }
    }

    /// A month tick on a date axis: "Mar 2020" or "mar 2020".
    pub fn month_tick(self, date: NaiveDate, with_month: bool) -> String {
        if !with_month {
            return date.year().to_string();
        }
        let month = date.month0() as usize;
        let name = match self {
            Lang::En => &MONTHS_EN[month][..3],
            Lang::Da => &MONTHS_DA[month][..3],
        };
        format!("{name} {}", date.year())
    }

    /// The scenario with its labels in this language: for Danish, the `_da` labels its file gives.
    pub fn labels(self, scenario: &crate::scenario::Scenario) -> crate::scenario::Scenario {
        match self {
            Lang::En => scenario.clone(),
            Lang::Da => scenario.with_danish_labels(),
        }
    }

    /// The `lang` attribute of the HTML document.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Da => "da",
        }
    }

    /// A number with thousands separated: "17,561" or "17.561".
    pub fn thousands(self, value: f64) -> String {
        let text = crate::format::thousands(value);
        match self {
            Lang::En => text,
            Lang::Da => text.replace(',', "."),
        }
    }

    /// A number with `places` decimals: "3.15" or "3,15".
    pub fn decimal(self, value: f64, places: usize) -> String {
        let text = format!("{value:.places$}");
        match self {
            Lang::En => text,
            Lang::Da => text.replace('.', ","),
        }
    }

    /// A share as a percentage with one decimal: "88.8 %" or "88,8 %".
    pub fn percent(self, share: f64) -> String {
        format!("{} %", self.decimal(share * 100.0, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_has_both_languages_with_the_same_blanks() {
        for (i, (key, en, da)) in STRINGS.iter().enumerate() {
            assert!(!en.is_empty() && !da.is_empty(), "{key}");
            assert_eq!(en.matches("{}").count(), da.matches("{}").count(), "{key}");
            assert!(
                STRINGS[i + 1..].iter().all(|(k, _, _)| k != key),
                "{key} twice"
            );
        }
    }

    #[test]
    fn blanks_fill_in_order_and_dates_and_numbers_follow_the_language() {
        assert_eq!(
            Lang::En.fill("series_title", &["A", "2020-01-01", "2020-12-31"]),
            "A: statutory meetings, 2020-01-01 to 2020-12-31"
        );
        let date = NaiveDate::from_ymd_opt(2020, 6, 16).unwrap();
        assert_eq!(Lang::En.date(date), "16 June 2020");
        assert_eq!(Lang::Da.date(date), "16. juni 2020");
        assert_eq!(Lang::Da.short_date(date), "16. jun");
        assert_eq!(Lang::Da.thousands(17561.4), "17.561");
        assert_eq!(Lang::Da.percent(0.888), "88,8 %");
        assert_eq!(Lang::En.decimal(3.149, 2), "3.15");
    }
}
