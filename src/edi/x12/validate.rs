//! Validation of X12 input: envelopes, structure and elements in one
//! streaming pass, reporting every problem with its position and ack code.

use std::io::Read;

use crate::edi::guide::{Catalog, Placement, SetGuide, StructureEvent, Tag, Walker};

use super::delimiters::excerpt;
use super::elements::{check_segment, ElementFinding, Scratch};
use super::envelope::{check_gs, check_isa, functional_group_of};
use super::reader::{LexError, ReaderOptions, SegmentReader};
use super::report::*;
use super::segment::Segment;
use crate::edi::seen::SeenNumbers;

/// What validation keeps and how far it reads.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// Keep a report for every set, not only those with issues (acks need
    /// them all; a plain validation of a huge file does not).
    pub keep_accepted_sets: bool,
    /// Issues kept per set; the rest are counted.
    pub max_issues_per_set: usize,
    /// Lexer options.
    pub reader: ReaderOptions,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            keep_accepted_sets: true,
            max_issues_per_set: 1000,
            reader: ReaderOptions::default(),
        }
    }
}

/// Validates X12 input against the shipped guides (and partner guides).
pub struct Validator<'c> {
    catalog: &'c Catalog,
    partner_guides: Vec<SetGuide>,
    options: ValidateOptions,
}

impl<'c> Validator<'c> {
    /// A validator over `catalog`'s guides.
    pub fn new(catalog: &'c Catalog) -> Self {
        Validator {
            catalog,
            partner_guides: Vec::new(),
            options: ValidateOptions::default(),
        }
    }

    /// Uses `guide` instead of the shipped one for its set and version.
    pub fn with_partner_guide(mut self, guide: SetGuide) -> Self {
        self.partner_guides.push(guide);
        self
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: ValidateOptions) -> Self {
        self.options = options;
        self
    }

    /// Reads all of `input` and reports what is wrong with it.
    pub fn validate<R: Read>(&self, input: R) -> ValidationReport {
        self.run(SegmentReader::with_options(
            input,
            self.options.reader.clone(),
        ))
    }

    /// Validates input already in memory, reading it in place.
    pub fn validate_bytes(&self, input: &[u8]) -> ValidationReport {
        self.run(SegmentReader::from_bytes_with_options(
            input,
            self.options.reader.clone(),
        ))
    }

    fn run<R: Read>(&self, mut reader: SegmentReader<'_, R>) -> ValidationReport {
        let mut run = Run::new(self);
        loop {
            match reader.next_segment() {
                Ok(Some(segment)) => run.segment(&segment),
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!(error = %e, "x12 lexer stopped");
                    run.lex_error(&e);
                    break;
                }
            }
        }
        run.report.bytes = reader.offset();
        run.report.segments = reader.segments_read();
        let report = run.finish();
        tracing::debug!(
            bytes = report.bytes,
            segments = report.segments,
            interchanges = report.interchanges.len(),
            valid = report.is_valid(),
            "x12 validation finished"
        );
        report
    }

    /// The guide for a set: a partner guide if one matches, else the
    /// shipped guide for the version (or its nearest neighbour).
    fn guide_for(&self, version: &str, id: &str) -> (Option<&SetGuide>, Option<String>) {
        let base = version.get(..6).unwrap_or(version);
        if let Some(g) = self
            .partner_guides
            .iter()
            .find(|g| g.id == id && g.version == base)
        {
            return (Some(g), None);
        }
        match self.catalog.choose(version, id) {
            Some(choice) => {
                let guide = self.catalog.exact(&choice.guide.version, id).map(|g| &**g);
                (guide, choice.substituted_for)
            }
            None => (None, None),
        }
    }
}

struct InterchangeState {
    report: InterchangeReport,
    groups: u32,
    group_numbers: SeenNumbers,
}

struct GroupState {
    report: GroupReport,
    set_numbers: SeenNumbers,
}

const ISA: Tag = Tag::of(b"ISA");
const IEA: Tag = Tag::of(b"IEA");
const GS: Tag = Tag::of(b"GS");
const GE: Tag = Tag::of(b"GE");
const ST: Tag = Tag::of(b"ST");
const SE: Tag = Tag::of(b"SE");
const TA1: Tag = Tag::of(b"TA1");
const ISB: Tag = Tag::of(b"ISB");
const ISE: Tag = Tag::of(b"ISE");
const BIN: Tag = Tag::of(b"BIN");
const HL: Tag = Tag::of(b"HL");

/// Whether a segment ends the set it follows (its trailer, or an envelope
/// segment that closes it as missing its trailer).
fn ends_a_set(tag: Tag) -> bool {
    matches!(tag, ISA | IEA | GS | GE | ST | SE)
}

struct SetState<'v> {
    report: SetReport,
    guide: Option<&'v SetGuide>,
    walker: Option<Walker<'v>>,
    qualifiers_seen: Vec<bool>,
    last_hl: Option<u64>,
    hl_ids: SeenNumbers,
}

struct Run<'v> {
    validator: &'v Validator<'v>,
    report: ValidationReport,
    interchange: Option<InterchangeState>,
    group: Option<GroupState>,
    set: Option<SetState<'v>>,
    /// Inside a set that has no group: skip to its end.
    skipping: bool,
    interchange_numbers: SeenNumbers,
    scratch: Scratch,
    findings: Vec<ElementFinding<'v>>,
    events: Vec<StructureEvent<'v>>,
}

impl<'v> Run<'v> {
    fn new(validator: &'v Validator<'v>) -> Self {
        Run {
            validator,
            report: ValidationReport::default(),
            interchange: None,
            group: None,
            set: None,
            skipping: false,
            interchange_numbers: SeenNumbers::default(),
            scratch: Scratch::default(),
            findings: Vec::new(),
            events: Vec::new(),
        }
    }

    fn location(&self, offset: u64) -> Location {
        Location {
            offset,
            interchange: self
                .interchange
                .as_ref()
                .map(|i| i.report.header.control_number.clone()),
            group: self.group.as_ref().map(|g| g.report.control_number.clone()),
            set: self.set.as_ref().map(|s| s.report.control_number.clone()),
            ..Location::default()
        }
    }

    fn issue(
        &self,
        severity: Severity,
        code: AckCode,
        message: String,
        location: Location,
        data: Option<String>,
    ) -> Issue {
        Issue {
            severity,
            code,
            message,
            location,
            data,
        }
    }

    /// Files an interchange-level issue (or a file-level one outside any
    /// interchange).
    fn interchange_issue(
        &mut self,
        code: u16,
        message: String,
        location: Location,
        data: Option<String>,
        warning: bool,
    ) {
        let severity = if warning {
            Severity::Warning
        } else {
            Severity::Error
        };
        let issue = self.issue(
            severity,
            AckCode::Interchange(code),
            message,
            location,
            data,
        );
        match &mut self.interchange {
            Some(i) => i.report.issues.push(issue),
            None => self.report.issues.push(issue),
        }
    }

    fn group_issue(&mut self, code: u8, message: String, offset: u64) {
        let location = self.location(offset);
        let issue = self.issue(
            Severity::Error,
            AckCode::Group(code),
            message,
            location,
            None,
        );
        match &mut self.group {
            Some(g) => g.report.issues.push(issue),
            None => self.report.issues.push(issue),
        }
    }

    fn set_issue(&mut self, issue: Issue) {
        let cap = self.validator.options.max_issues_per_set;
        if let Some(s) = &mut self.set {
            if s.report.issues.len() < cap {
                s.report.issues.push(issue);
            } else {
                s.report.issues_dropped += 1;
            }
        }
    }

    fn segment(&mut self, seg: &Segment<'_>) {
        // Checked for its characters only where it cannot be placed.
        let tag = Tag::packed(seg.tag());
        match tag {
            _ if self.set.is_some() && !tag.is_some_and(ends_a_set) => self.set_segment(seg, tag),
            Some(ISA) => {
                self.close_open_levels(seg.offset(), "ISA");
                self.open_interchange(seg);
            }
            Some(IEA) => {
                self.close_set_missing_trailer(seg.offset(), "IEA");
                self.close_group(None, seg.offset(), "IEA");
                self.close_interchange(Some(seg), seg.offset());
            }
            Some(GS) => {
                self.close_set_missing_trailer(seg.offset(), "GS");
                self.close_group(None, seg.offset(), "GS");
                self.open_group(seg);
            }
            Some(GE) => {
                self.close_set_missing_trailer(seg.offset(), "GE");
                self.close_group(Some(seg), seg.offset(), "GE");
            }
            Some(ST) => {
                self.close_set_missing_trailer(seg.offset(), "ST");
                self.open_set(seg);
                self.set_segment(seg, tag);
            }
            Some(SE) if self.set.is_some() => {
                self.set_segment(seg, tag);
                self.close_set(Some(seg), seg.offset(), "SE");
            }
            Some(SE) if self.skipping => self.skipping = false,
            _ if self.skipping => {}
            // Interchange acknowledgments and the optional interchange
            // service segments sit between ISA and the first GS.
            Some(TA1 | ISB | ISE) if self.interchange.is_some() && self.group.is_none() => {}
            _ => {
                let tag = excerpt(seg.tag(), 10);
                let location = Location {
                    segment: Some(tag.clone()),
                    ..self.location(seg.offset())
                };
                self.interchange_issue(
                    24,
                    format!("segment {tag} stands outside any transaction set (expected ST, GE, GS or IEA)"),
                    location,
                    Some(excerpt(seg.bytes(), 60)),
                    false,
                );
            }
        }
    }

    fn open_interchange(&mut self, isa: &Segment<'_>) {
        let (header, problems) = check_isa(isa);
        let mut state = InterchangeState {
            report: InterchangeReport {
                header,
                offset: isa.offset(),
                delimiters: Some(*isa.delimiters()),
                ..InterchangeReport::default()
            },
            groups: 0,
            group_numbers: SeenNumbers::default(),
        };
        let number = state.report.header.control_number.clone();
        if !self.interchange_numbers.insert(&number) {
            problems_push(
                &mut state,
                25,
                13,
                format!(
                    "interchange control number {number} was already used earlier in this input"
                ),
                isa,
                false,
            );
        }
        for p in problems {
            problems_push(&mut state, p.code, p.element, p.message, isa, p.warning);
        }
        self.interchange = Some(state);
    }

    fn close_interchange(&mut self, iea: Option<&Segment<'_>>, offset: u64) {
        let Some(mut state) = self.interchange.take() else {
            if iea.is_some() {
                let location = Location {
                    segment: Some("IEA".into()),
                    ..self.location(offset)
                };
                self.interchange_issue(
                    22,
                    "IEA without a preceding ISA".into(),
                    location,
                    None,
                    false,
                );
            }
            return;
        };
        match iea {
            None => {
                let location = Location {
                    offset,
                    interchange: Some(state.report.header.control_number.clone()),
                    ..Location::default()
                };
                state.report.issues.push(self.issue(
                    Severity::Error,
                    AckCode::Interchange(23),
                    "the interchange has no IEA trailer (the input ends or a new ISA starts first)".into(),
                    location,
                    None,
                ));
            }
            Some(iea) => {
                let declared = iea.text(1);
                let groups = state.groups;
                if parse_count(&declared) != Some(groups) {
                    let message = format!(
                        "IEA01 says {declared} functional groups but the interchange has {groups}"
                    );
                    problems_push(&mut state, 21, 1, message, iea, false);
                }
                let number = iea.text(2);
                if number != state.report.header.control_number {
                    let message = format!(
                        "IEA02 control number {number} does not match ISA13 {}",
                        state.report.header.control_number
                    );
                    problems_push(&mut state, 1, 2, message, iea, false);
                }
            }
        }
        self.report.interchanges.push(state.report);
    }

    fn open_group(&mut self, gs: &Segment<'_>) {
        if self.interchange.is_none() {
            let location = self.location(gs.offset());
            self.interchange_issue(
                24,
                "GS without a preceding ISA".into(),
                location,
                None,
                false,
            );
            return;
        }
        let report = GroupReport {
            functional_id: gs.text(1),
            sender: gs.text(2),
            receiver: gs.text(3),
            control_number: gs.text(6),
            version: gs.text(8),
            ..GroupReport::default()
        };
        self.group = Some(GroupState {
            report,
            set_numbers: SeenNumbers::default(),
        });
        for (element, message) in check_gs(gs) {
            let location = Location {
                segment: Some("GS".into()),
                element: (element > 0).then_some(element),
                ..self.location(gs.offset())
            };
            // TA105 024 "invalid interchange content" covers a bad GS.
            self.interchange_issue(24, message, location, None, false);
        }
        let number = gs.text(6);
        if number.is_empty() || number.len() > 9 || !number.bytes().all(|b| b.is_ascii_digit()) {
            self.group_issue(
                6,
                format!("GS06 \"{number}\" is not a group control number (1 to 9 digits)"),
                gs.offset(),
            );
        }
        let duplicate = self
            .interchange
            .as_mut()
            .is_some_and(|i| !i.group_numbers.insert(&number));
        if duplicate {
            self.group_issue(
                19,
                format!("group control number {number} is used twice in this interchange"),
                gs.offset(),
            );
        }
        let version = gs.text(8);
        if version.len() < 6 || !version.as_bytes()[..6].iter().all(u8::is_ascii_digit) {
            let location = Location {
                segment: Some("GS".into()),
                element: Some(8),
                ..self.location(gs.offset())
            };
            let issue = self.issue(
                Severity::Warning,
                AckCode::Group(2),
                format!("GS08 \"{version}\" is not a version (six digits, then an optional release code); no guide applies, only the envelope is checked"),
                location,
                None,
            );
            if let Some(g) = &mut self.group {
                g.report.issues.push(issue);
            }
        }
    }

    fn close_group(&mut self, ge: Option<&Segment<'_>>, offset: u64, found: &str) {
        if self.group.is_none() {
            if ge.is_some() {
                let location = self.location(offset);
                self.interchange_issue(
                    24,
                    "GE without a preceding GS".into(),
                    location,
                    None,
                    false,
                );
            }
            return;
        }
        match ge {
            None => self.group_issue(
                3,
                format!("the group has no GE trailer ({found} follows its last set)"),
                offset,
            ),
            Some(ge) => {
                let (received, number) = self
                    .group
                    .as_ref()
                    .map(|g| (g.report.sets_received, g.report.control_number.clone()))
                    .unwrap_or_default();
                let declared = ge.text(1);
                if let Some(g) = &mut self.group {
                    g.report.sets_declared = parse_count(&declared);
                }
                if parse_count(&declared) != Some(received) {
                    self.group_issue(
                        5,
                        format!(
                            "GE01 says {declared} transaction sets but the group has {received}"
                        ),
                        offset,
                    );
                }
                if ge.text(2) != number {
                    self.group_issue(
                        4,
                        format!(
                            "GE02 control number {} does not match GS06 {number}",
                            ge.text(2)
                        ),
                        offset,
                    );
                }
            }
        }
        if let (Some(g), Some(i)) = (self.group.take(), self.interchange.as_mut()) {
            i.groups += 1;
            i.report.groups.push(g.report);
        }
    }

    fn close_open_levels(&mut self, offset: u64, found: &str) {
        self.close_set_missing_trailer(offset, found);
        self.close_group(None, offset, found);
        self.close_interchange(None, offset);
    }

    fn open_set(&mut self, st: &Segment<'_>) {
        let Some(group) = &self.group else {
            let location = self.location(st.offset());
            self.interchange_issue(
                24,
                "ST without a preceding GS".into(),
                location,
                None,
                false,
            );
            self.skipping = true;
            return;
        };
        let id = st.text(1);
        let number = st.text(2);
        let implementation = Some(st.text(3)).filter(|s| !s.is_empty());
        // Guides are chosen by the group's version (GS08).
        let version = group.report.version.clone();
        let functional_id = group.report.functional_id.clone();
        let group_version = group.report.version.clone();
        let (guide, substituted) = self.validator.guide_for(&group_version, &id);
        let guide_name = guide.map(|g| match &g.partner {
            Some(p) => format!("X12 {} {} ({p})", g.version, g.id),
            None => format!("X12 {} {}", g.version, g.id),
        });
        self.set = Some(SetState {
            report: SetReport {
                id: id.clone(),
                control_number: number.clone(),
                implementation,
                guide: guide_name.clone(),
                ..SetReport::default()
            },
            guide,
            walker: guide.map(|g| Walker::new(&g.root)),
            qualifiers_seen: guide.map_or(Vec::new(), |g| vec![false; g.required_qualifiers.len()]),
            last_hl: None,
            hl_ids: SeenNumbers::default(),
        });
        let location = Location {
            segment_position: Some(1),
            segment: Some("ST".into()),
            ..self.location(st.offset())
        };
        let duplicate = self
            .group
            .as_mut()
            .is_some_and(|g| !g.set_numbers.insert(&number));
        if duplicate {
            let issue = self.issue(
                Severity::Error,
                AckCode::Set(23),
                format!("transaction set control number {number} is used twice in this group"),
                Location {
                    element: Some(2),
                    ..location.clone()
                },
                None,
            );
            self.set_issue(issue);
        }
        let expected_group = guide
            .map(|g| g.functional_group.as_str())
            .or_else(|| functional_group_of(&id));
        if let Some(expected) = expected_group {
            if expected != functional_id {
                let issue = self.issue(
                    Severity::Error,
                    AckCode::Set(6),
                    format!("a {id} travels in a functional group {expected}, but this group is {functional_id}"),
                    Location { element: Some(1), ..location.clone() },
                    None,
                );
                self.set_issue(issue);
            }
        }
        let note = match (&guide_name, substituted) {
            (None, _) => Some(format!(
                "no guide for {id} version {version}; only the envelope is checked"
            )),
            (Some(name), Some(asked)) => Some(format!(
                "no guide for {id} version {asked}; validated against {name}"
            )),
            _ => None,
        };
        if let Some(message) = note {
            let issue = self.issue(Severity::Warning, AckCode::Set(1), message, location, None);
            self.set_issue(issue);
        }
    }

    fn close_set_missing_trailer(&mut self, offset: u64, found: &str) {
        self.skipping = false;
        if self.set.is_some() {
            let location = self.location(offset);
            let issue = self.issue(
                Severity::Error,
                AckCode::Set(2),
                format!("the transaction set has no SE trailer ({found} follows it)"),
                location,
                None,
            );
            self.set_issue(issue);
            self.close_set(None, offset, found);
        }
    }

    /// Ends the open set at `offset`, where `found` (its SE, or whatever
    /// came instead) stands.
    fn close_set(&mut self, se: Option<&Segment<'_>>, offset: u64, found: &str) {
        let Some(state) = self.set.as_mut() else {
            return;
        };
        if let Some(walker) = state.walker.as_mut() {
            walker.finish(&mut self.events);
        }
        let position = state.report.segments;
        for event in std::mem::take(&mut self.events) {
            self.structure_issue(event, position, found, offset);
        }
        if let Some(se) = se {
            let count = self.set.as_ref().map_or(0, |s| s.report.segments);
            let declared = se.text(1);
            let base = Location {
                segment_position: Some(count),
                segment: Some("SE".into()),
                ..self.location(se.offset())
            };
            if parse_count(&declared) != Some(count) {
                let issue = self.issue(
                    Severity::Error,
                    AckCode::Set(4),
                    format!("SE01 says {declared} segments but the set has {count} (ST and SE included)"),
                    Location { element: Some(1), ..base.clone() },
                    None,
                );
                self.set_issue(issue);
            }
            let st_number = self
                .set
                .as_ref()
                .map(|s| s.report.control_number.clone())
                .unwrap_or_default();
            if se.text(2) != st_number {
                let issue = self.issue(
                    Severity::Error,
                    AckCode::Set(3),
                    format!(
                        "SE02 control number {} does not match ST02 {st_number}",
                        se.text(2)
                    ),
                    Location {
                        element: Some(2),
                        ..base
                    },
                    None,
                );
                self.set_issue(issue);
            }
        }
        self.check_required_qualifiers(offset);
        let Some(state) = self.set.take() else { return };
        let keep_all = self.validator.options.keep_accepted_sets;
        if let Some(g) = &mut self.group {
            g.report.sets_received += 1;
            let accepted = state.report.accepted();
            if accepted {
                g.report.sets_accepted += 1;
            }
            if keep_all || !state.report.issues.is_empty() {
                g.report.sets.push(state.report);
            }
        }
    }

    fn check_required_qualifiers(&mut self, offset: u64) {
        let Some(state) = &self.set else { return };
        let Some(guide) = state.guide else { return };
        let missing: Vec<String> = guide
            .required_qualifiers
            .iter()
            .zip(&state.qualifiers_seen)
            .filter(|(_, seen)| !**seen)
            .map(|(q, _)| format!("{}{:02}={}", q.tag, q.element, q.value))
            .collect();
        let partner = guide.partner.clone().unwrap_or_default();
        for m in missing {
            let location = self.location(offset);
            let issue = self.issue(
                Severity::Error,
                AckCode::Segment(3),
                format!("a segment with {m} is required by the partner guide {partner}, but the set has none"),
                location,
                None,
            );
            self.set_issue(issue);
        }
    }

    fn set_segment(&mut self, seg: &Segment<'_>, tag: Option<Tag>) {
        let Some(state) = self.set.as_mut() else {
            return;
        };
        state.report.segments += 1;
        let position = state.report.segments;
        let guide = state.guide;
        let identifier = |tag: &Tag| guide.is_some() || Tag::from_bytes(seg.tag()) == Some(*tag);
        let Some(tag) = tag.filter(identifier) else {
            self.not_an_identifier(seg, position);
            return;
        };
        self.check_binary(seg, tag, position);
        let Some(guide) = guide else { return };
        let placement = match self.set.as_mut().and_then(|s| s.walker.as_mut()) {
            Some(walker) => walker.place(tag, &mut self.events),
            None => return,
        };
        if !self.events.is_empty() {
            let events = std::mem::take(&mut self.events);
            for event in events {
                self.structure_issue(event, position, &tag.as_string(), seg.offset());
            }
        }
        let loop_id = match placement {
            Placement::Found { node, loop_id } => {
                let def = &guide.dictionary.segments[node.def];
                check_segment(
                    seg,
                    def,
                    &guide.dictionary,
                    &mut self.scratch,
                    &mut self.findings,
                );
                loop_id
            }
            Placement::OutOfOrder => {
                let message = format!(
                    "{tag} is part of this set, but not at this place (out of order, or after the loop it belongs to)"
                );
                self.segment_issue(7, message, seg, position, None);
                return;
            }
            Placement::NotInSet if Tag::from_bytes(seg.tag()).is_none() => {
                self.not_an_identifier(seg, position);
                return;
            }
            Placement::NotInSet => {
                let (code, message) = if guide.dictionary.segment(tag).is_some() {
                    (
                        6,
                        format!(
                            "{tag} is not part of {} {} ({})",
                            guide.version, guide.id, guide.name
                        ),
                    )
                } else {
                    (
                        1,
                        format!("{tag} is not a segment of X12 {}", guide.version),
                    )
                };
                self.segment_issue(code, message, seg, position, None);
                return;
            }
        };
        self.note_qualifier(seg, tag);
        if tag == HL {
            self.check_hierarchy(seg, position, loop_id);
        }
        if self.findings.is_empty() {
            return;
        }
        let findings = std::mem::take(&mut self.findings);
        for f in findings {
            let location = Location {
                offset: f.offset,
                segment_position: Some(position),
                segment: Some(tag.as_string()),
                loop_id: Some(loop_id.to_string()).filter(|l| !l.is_empty()),
                element: Some(f.element),
                component: f.component,
                repetition: f.repetition,
                element_ref: Some(f.element_ref.to_string()).filter(|r| !r.is_empty()),
                ..self.location(f.offset)
            };
            let issue = self.issue(
                Severity::Error,
                AckCode::Element(f.code),
                f.message,
                location,
                f.data,
            );
            self.set_issue(issue);
        }
    }

    #[cold]
    fn not_an_identifier(&mut self, seg: &Segment<'_>, position: u32) {
        let shown = excerpt(seg.tag(), 10);
        let message =
            format!("\"{shown}\" is not a segment identifier (2 or 3 uppercase letters or digits)");
        self.segment_issue(1, message, seg, position, None);
    }

    fn segment_issue(
        &mut self,
        code: u8,
        message: String,
        seg: &Segment<'_>,
        position: u32,
        loop_id: Option<&str>,
    ) {
        let location = Location {
            segment_position: Some(position),
            segment: Some(String::from_utf8_lossy(seg.tag()).into_owned()),
            loop_id: loop_id.map(str::to_string),
            ..self.location(seg.offset())
        };
        let issue = self.issue(
            Severity::Error,
            AckCode::Segment(code),
            message,
            location,
            Some(excerpt(seg.bytes(), 60)),
        );
        self.set_issue(issue);
    }

    fn structure_issue(&mut self, event: StructureEvent<'_>, position: u32, at: &str, offset: u64) {
        let (code, tag, loop_id, message) = match event {
            StructureEvent::MandatoryMissing { tag, loop_id } => (
                3,
                tag,
                loop_id,
                if loop_id.is_empty() {
                    format!("mandatory segment {tag} is missing (found {at} where it was due)")
                } else {
                    format!("mandatory segment {tag} of loop {loop_id} is missing (found {at} where it was due)")
                },
            ),
            StructureEvent::SegmentOverMax { tag, max } => (
                5,
                tag,
                "",
                format!("{tag} occurs more often in a row than allowed here ({max})"),
            ),
            StructureEvent::LoopOverMax { loop_id, tag, max } => (
                4,
                tag,
                loop_id,
                format!("loop {loop_id} repeats more often than allowed ({max})"),
            ),
        };
        let location = Location {
            segment_position: Some(position),
            segment: Some(tag.as_string()),
            loop_id: Some(loop_id.to_string()).filter(|l| !l.is_empty()),
            ..self.location(offset)
        };
        let issue = self.issue(
            Severity::Error,
            AckCode::Segment(code),
            message,
            location,
            None,
        );
        self.set_issue(issue);
    }

    fn note_qualifier(&mut self, seg: &Segment<'_>, tag: Tag) {
        let Some(state) = self.set.as_mut() else {
            return;
        };
        let Some(guide) = state.guide.filter(|g| !g.required_qualifiers.is_empty()) else {
            return;
        };
        for (q, seen) in guide
            .required_qualifiers
            .iter()
            .zip(state.qualifiers_seen.iter_mut())
        {
            if q.tag == tag && seg.element(q.element).bytes() == q.value.as_bytes() {
                *seen = true;
            }
        }
    }

    /// HL segments build a tree: HL01 is a unique ID, HL02 names an earlier
    /// HL as parent.
    fn check_hierarchy(&mut self, seg: &Segment<'_>, position: u32, loop_id: &str) {
        let Some(state) = self.set.as_mut() else {
            return;
        };
        let id = seg.element(1).bytes().to_vec();
        let parent = seg.element(2).bytes();
        let mut problems = Vec::new();
        if !parent.is_empty() && !state.hl_ids.contains(&String::from_utf8_lossy(parent)) {
            problems.push((
                2,
                format!(
                    "HL02 names parent {} but no earlier HL has that ID",
                    excerpt(parent, 20)
                ),
                Severity::Error,
            ));
        }
        let number = std::str::from_utf8(&id)
            .ok()
            .and_then(|s| s.parse::<u64>().ok());
        if !state.hl_ids.insert(&String::from_utf8_lossy(&id)) {
            problems.push((
                1,
                format!("HL01 {} is used by an earlier HL", excerpt(&id, 20)),
                Severity::Error,
            ));
        } else if let (Some(n), Some(last)) = (number, state.last_hl) {
            if last.checked_add(1) != Some(n) {
                problems.push((
                    1,
                    format!(
                        "HL01 {n} does not follow {last} (HL IDs are usually numbered 1, 2, 3 …)"
                    ),
                    Severity::Warning,
                ));
            }
        }
        state.last_hl = number.or(state.last_hl);
        for (element, message, severity) in problems {
            let location = Location {
                segment_position: Some(position),
                segment: Some("HL".into()),
                loop_id: Some(loop_id.to_string()),
                element: Some(element),
                element_ref: Some(if element == 1 { "628" } else { "734" }.into()),
                ..self.location(seg.element(element as usize).offset())
            };
            let data = Some(excerpt(seg.element(element as usize).bytes(), 20));
            let issue = self.issue(severity, AckCode::Element(7), message, location, data);
            self.set_issue(issue);
        }
    }

    /// A BIN segment's first element is the length of its binary data.
    fn check_binary(&mut self, seg: &Segment<'_>, tag: Tag, position: u32) {
        if tag != BIN {
            return;
        }
        let length = seg.element(1).bytes();
        if length.is_empty() || !length.iter().all(u8::is_ascii_digit) {
            let location = Location {
                segment_position: Some(position),
                segment: Some(tag.as_string()),
                element: Some(1),
                element_ref: Some("784".into()),
                ..self.location(seg.element(1).offset())
            };
            let issue = self.issue(
                Severity::Error,
                AckCode::Element(6),
                "BIN01 (length of binary data) must be a number of bytes".into(),
                location,
                Some(excerpt(length, 20)),
            );
            self.set_issue(issue);
        }
    }

    fn lex_error(&mut self, e: &LexError) {
        let (code, message) = match e {
            LexError::Truncated { .. } => (23, e.to_string()),
            LexError::BadIsa { .. } => (22, e.to_string()),
            LexError::NotIsa { .. }
                if self.interchange.is_none() && self.report.interchanges.is_empty() =>
            {
                (22, format!("{e} — this is not an X12 interchange"))
            }
            _ => (22, e.to_string()),
        };
        // An open set is closed by `finish`, which reports its missing SE.
        let location = self.location(e.offset());
        self.interchange_issue(code, message, location, None, false);
    }

    fn finish(mut self) -> ValidationReport {
        let end = self.report.bytes;
        if self.set.is_some() {
            self.close_set_missing_trailer(end, "the end of the input");
        }
        if self.group.is_some() {
            self.close_group(None, end, "the end of the input");
        }
        if self.interchange.is_some() {
            self.close_interchange(None, end);
        }
        if self.report.interchanges.is_empty() && self.report.issues.is_empty() {
            self.report.issues.push(Issue {
                severity: Severity::Error,
                code: AckCode::Interchange(23),
                message: "the input is empty: no ISA segment found".into(),
                location: Location::default(),
                data: None,
            });
        }
        self.report
    }
}

fn problems_push(
    state: &mut InterchangeState,
    code: u16,
    element: u16,
    message: String,
    seg: &Segment<'_>,
    warning: bool,
) {
    let offset = if element > 0 {
        seg.element(element as usize).offset()
    } else {
        seg.offset()
    };
    let data = (element > 0).then(|| excerpt(seg.element(element as usize).bytes(), 40));
    state.report.issues.push(Issue {
        severity: if warning {
            Severity::Warning
        } else {
            Severity::Error
        },
        code: AckCode::Interchange(code),
        message,
        location: Location {
            offset,
            interchange: Some(state.report.header.control_number.clone()),
            segment: Some(String::from_utf8_lossy(seg.tag()).into_owned()),
            element: (element > 0).then_some(element),
            ..Location::default()
        },
        data,
    });
}

/// A count as the trailers carry it (SE01, GE01, IEA01): digits only, no
/// sign.
fn parse_count(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
