//! Validation of EDIFACT input: interchange, group and message envelopes,
//! character repertoire, and each message against its directory guide.
//!
//! One pass over the segments, in bounded memory: a state machine keeps the
//! open interchange, group and message; each message walks its guide's
//! structure as its segments arrive.

use std::collections::HashMap;
use std::io::Read;
use std::rc::Rc;

use crate::edi::guide::{Catalog, Dictionary, Placement, SetGuide, StructureEvent, Tag, Walker};
use crate::edi::seen::SeenNumbers;

use super::charset::Charset;
use super::envelope::{read_unb, read_ung, read_unh, EnvelopeProblem};
use super::fast::FlatDictionary;
use super::reader::{ReaderOptions, SegmentReader};
use super::report::*;
use super::segment::Segment;
use super::values::{check_segment, ElementProblem};

/// How validation runs.
#[derive(Clone, Debug)]
pub struct ValidateOptions {
    /// Keep reports of messages without issues (a CONTRL acknowledges each
    /// message; a summary needs only the failures).
    pub keep_accepted_messages: bool,
    /// Issues kept per message; the rest are counted.
    pub max_issues_per_message: usize,
    /// Reader settings.
    pub reader: ReaderOptions,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            keep_accepted_messages: true,
            max_issues_per_message: 100,
            reader: ReaderOptions::default(),
        }
    }
}

/// Validates EDIFACT input against the shipped directory guides and any
/// partner guides.
pub struct Validator<'c> {
    catalog: &'c Catalog,
    partner_guides: Vec<SetGuide>,
    options: ValidateOptions,
}

impl<'c> Validator<'c> {
    /// A validator over `catalog` (usually [`Catalog::edifact`]).
    pub fn new(catalog: &'c Catalog) -> Self {
        Validator {
            catalog,
            partner_guides: Vec::new(),
            options: ValidateOptions::default(),
        }
    }

    /// Uses `guide` for its message type and directory instead of the
    /// shipped one.
    pub fn with_partner_guide(mut self, guide: SetGuide) -> Self {
        self.partner_guides.push(guide);
        self
    }

    /// Sets the options.
    pub fn with_options(mut self, options: ValidateOptions) -> Self {
        self.options = options;
        self
    }

    /// Validates everything `input` holds.
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
        let mut run = Run {
            validator: self,
            report: ValidationReport::default(),
            interchange: None,
            group: None,
            message: None,
            interchange_refs: SeenNumbers::default(),
            pending_una: None,
            flat: HashMap::new(),
            last_guide: None,
        };
        loop {
            match reader.next_segment() {
                Ok(Some(segment)) => run.segment(&segment),
                Ok(None) => break,
                Err(e) => {
                    let text = e.to_string();
                    let prefix = format!("at byte {}: ", e.offset());
                    run.report.issues.push(Issue {
                        severity: Severity::Error,
                        level: Level::Interchange,
                        code: Some(codes::UNSPECIFIED),
                        message: text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
                        location: Location {
                            offset: e.offset(),
                            ..Location::default()
                        },
                        data: None,
                    });
                    break;
                }
            }
        }
        run.finish(reader.offset());
        run.report.bytes = reader.offset();
        run.report.segments = reader.segments_read();
        run.report
    }

    fn guide_for(&self, message: &MessageReport) -> Option<&SetGuide> {
        let directory = format!("{}{}", message.version, message.release);
        self.partner_guides
            .iter()
            .find(|g| g.id == message.message_type && g.version == directory)
            .or_else(|| {
                self.catalog
                    .message(&message.version, &message.release, &message.message_type)
                    .map(|g| &**g)
            })
    }

    fn service_dictionary(&self, syntax_version: u8) -> Option<&Dictionary> {
        let name = if syntax_version >= 4 {
            "syntax4"
        } else {
            "syntax3"
        };
        self.catalog.dictionary(name).map(|d| &**d)
    }
}

struct OpenInterchange {
    report: InterchangeReport,
    charset: Charset,
    /// Messages seen outside any group, and groups seen.
    loose_messages: u32,
    groups: u32,
    message_refs: SeenNumbers,
    group_refs: SeenNumbers,
}

struct OpenMessage<'v> {
    report: MessageReport,
    guide: Option<&'v SetGuide>,
    walker: Option<Walker<'v>>,
    position: u32,
    events: Vec<StructureEvent<'v>>,
    problems: Vec<ElementProblem>,
    /// For each qualified segment the guide requires: whether it came.
    qualifiers_seen: Vec<bool>,
    /// The guide's dictionary flattened for the fast path.
    flat: Option<Rc<FlatDictionary>>,
}

impl OpenMessage<'_> {
    /// What the structure still lacked at UNT (reported at UNT's position).
    fn report_end_of_structure(&mut self, location: &Location) {
        let Some(walker) = &mut self.walker else {
            return;
        };
        let mut events = Vec::new();
        walker.finish(&mut events);
        for event in events {
            let (code, text) = structure_issue(&event);
            self.report.issues.push(Issue {
                severity: Severity::Error,
                level: Level::Segment,
                code: Some(code),
                message: text,
                location: Location {
                    segment_position: Some(self.position),
                    segment: Some("UNT".into()),
                    ..location.clone()
                },
                data: None,
            });
        }
    }

    /// The qualified segments a partner guide requires that never came.
    fn report_missing_qualifiers(&mut self, location: &Location) {
        let Some(guide) = self.guide else {
            return;
        };
        let missing = guide
            .required_qualifiers
            .iter()
            .zip(&self.qualifiers_seen)
            .filter(|(_, seen)| !**seen);
        for (q, _) in missing {
            let position = match q.component {
                Some(c) => format!("{:02}-{c}", q.element),
                None => format!("{:02}", q.element),
            };
            self.report.issues.push(Issue {
                severity: Severity::Error,
                level: Level::Segment,
                code: Some(codes::MISSING),
                message: format!(
                    "the partner guide requires a {} segment with {}{position} = {}",
                    q.tag, q.tag, q.value
                ),
                location: Location {
                    segment: Some(q.tag.to_string()),
                    ..location.clone()
                },
                data: None,
            });
        }
    }

    fn note_qualifiers(&mut self, segment: &Segment<'_>, tag: Tag) {
        let Some(guide) = self.guide else {
            return;
        };
        for (seen, q) in self
            .qualifiers_seen
            .iter_mut()
            .zip(&guide.required_qualifiers)
        {
            if !*seen && q.tag == tag {
                let value = segment.value(q.element, q.component.unwrap_or(1));
                *seen = value.as_deref() == Some(q.value.as_bytes());
            }
        }
    }
}

struct Run<'v> {
    validator: &'v Validator<'v>,
    report: ValidationReport,
    interchange: Option<OpenInterchange>,
    group: Option<GroupReport>,
    message: Option<OpenMessage<'v>>,
    interchange_refs: SeenNumbers,
    /// The offset of a UNA waiting for its UNB.
    pending_una: Option<u64>,
    /// Flattened dictionaries, by the address of the dictionary.
    flat: HashMap<usize, Rc<FlatDictionary>>,
    /// The last message identifier looked up and the guide it found:
    /// interchanges mostly repeat one message type.
    last_guide: Option<(String, String, String, Option<&'v SetGuide>)>,
}

impl<'v> Run<'v> {
    fn segment(&mut self, segment: &Segment<'_>) {
        let tag = tag_of(segment);
        match tag {
            UNA => self.una(segment),
            UNB => self.unb(segment),
            UNZ => self.unz(segment),
            UNG => self.ung(segment),
            UNE => self.une(segment),
            UNH => self.unh(segment),
            UNT => self.unt(segment),
            _ => self.body(segment, tag),
        }
    }

    /// The guide for a message, remembered for the next message of the
    /// same type.
    fn guide_for(&mut self, message: &MessageReport) -> Option<&'v SetGuide> {
        if let Some((version, release, message_type, guide)) = &self.last_guide {
            if *version == message.version
                && *release == message.release
                && *message_type == message.message_type
            {
                return *guide;
            }
        }
        let guide = self.validator.guide_for(message);
        self.last_guide = Some((
            message.version.clone(),
            message.release.clone(),
            message.message_type.clone(),
            guide,
        ));
        guide
    }

    /// The fast-path form of `dictionary`, built once per run.
    fn flatten(&mut self, dictionary: &Dictionary) -> Rc<FlatDictionary> {
        let key = dictionary as *const Dictionary as usize;
        self.flat
            .entry(key)
            .or_insert_with(|| Rc::new(FlatDictionary::new(dictionary)))
            .clone()
    }

    fn una(&mut self, segment: &Segment<'_>) {
        if self.interchange.is_some() {
            self.close_interchange(segment.offset(), false);
        }
        self.pending_una = Some(segment.offset());
    }

    fn unb(&mut self, segment: &Segment<'_>) {
        if self.interchange.is_some() {
            self.close_interchange(segment.offset(), false);
        }
        let mut problems = Vec::new();
        let (header, charset) = read_unb(segment, &mut problems);
        let offset = self.pending_una.take().unwrap_or(segment.offset());
        let mut interchange = OpenInterchange {
            report: InterchangeReport {
                offset,
                separators: *segment.separators(),
                charset,
                ..InterchangeReport::default()
            },
            charset: charset.unwrap_or(Charset::Iso8859(1)),
            loose_messages: 0,
            groups: 0,
            message_refs: SeenNumbers::default(),
            group_refs: SeenNumbers::default(),
        };
        if !header.reference.is_empty() && !self.interchange_refs.insert(&header.reference) {
            problems.push((
                codes::DUPLICATE,
                5,
                None,
                format!(
                    "interchange control reference {} was used by an earlier interchange",
                    header.reference
                ),
            ));
        }
        interchange.report.header = header;
        self.interchange = Some(interchange);
        self.envelope_segment(segment, Level::Interchange, problems);
    }

    fn unz(&mut self, segment: &Segment<'_>) {
        if self.interchange.is_none() {
            self.outside(segment, "UNZ without a UNB");
            return;
        }
        self.close_group_if_open(segment.offset(), "UNZ");
        let mut problems = Vec::new();
        if let Some(i) = &self.interchange {
            let (counted, what) = if i.groups > 0 {
                (i.groups, "groups")
            } else {
                (i.loose_messages, "messages")
            };
            compare_count(segment, 1, counted, what, &mut problems);
            compare_reference(segment, 2, &i.report.header.reference, "UNB", &mut problems);
            if counted == 0 {
                problems.push((
                    codes::LOWER_LEVEL_EMPTY,
                    1,
                    None,
                    "the interchange holds no messages".into(),
                ));
            }
        }
        self.envelope_segment(segment, Level::Interchange, problems);
        self.close_interchange(segment.offset(), true);
    }

    fn ung(&mut self, segment: &Segment<'_>) {
        self.ensure_interchange(segment);
        self.close_group_if_open(segment.offset(), "UNG");
        let mut problems = Vec::new();
        let group = read_ung(segment, &mut problems);
        if let Some(i) = &mut self.interchange {
            i.groups += 1;
            if i.loose_messages > 0 {
                problems.push((
                    codes::GROUPS_AND_MESSAGES_MIXED,
                    0,
                    None,
                    "a functional group after messages outside any group".into(),
                ));
            }
            if !group.reference.is_empty() && !i.group_refs.insert(&group.reference) {
                problems.push((
                    codes::DUPLICATE,
                    5,
                    None,
                    format!("group reference {} is used twice", group.reference),
                ));
            }
        }
        self.group = Some(group);
        self.envelope_segment(segment, Level::Group, problems);
    }

    fn une(&mut self, segment: &Segment<'_>) {
        if self.group.as_ref().is_none_or(|g| !g.explicit) {
            self.outside(segment, "UNE without a UNG");
            return;
        }
        if self.message.is_some() {
            self.close_message(segment.offset(), "UNE");
        }
        let mut problems = Vec::new();
        if let Some(group) = &mut self.group {
            compare_count(segment, 1, group.received, "messages", &mut problems);
            compare_reference(segment, 2, &group.reference, "UNG", &mut problems);
            group.declared = segment.text(1, 1).parse().ok();
        }
        self.envelope_segment(segment, Level::Group, problems);
        self.finish_group();
    }

    fn unh(&mut self, segment: &Segment<'_>) {
        self.ensure_interchange(segment);
        if self.message.is_some() {
            self.close_message(segment.offset(), "UNH");
        }
        let mut report = read_unh(segment);
        let mut problems = Vec::new();
        if let Some(i) = &mut self.interchange {
            if self.group.is_none() {
                i.loose_messages += 1;
                if i.groups > 0 {
                    problems.push((
                        codes::GROUPS_AND_MESSAGES_MIXED,
                        0,
                        None,
                        "a message outside any group in an interchange with groups".into(),
                    ));
                }
            }
            if !report.reference.is_empty() && !i.message_refs.insert(&report.reference) {
                problems.push((
                    codes::DUPLICATE,
                    1,
                    None,
                    format!(
                        "message reference {} is used twice in the interchange",
                        report.reference
                    ),
                ));
            }
        }
        let guide = self.guide_for(&report);
        report.guide = guide.map(|g| match &g.partner {
            Some(p) => format!("EDIFACT {} {} ({p})", g.version, g.id),
            None => format!("EDIFACT {} {}", g.version, g.id),
        });
        if guide.is_none() && !report.message_type.is_empty() {
            report.issues.push(Issue {
                severity: Severity::Warning,
                level: Level::Message,
                code: None,
                message: format!(
                    "no guide for {} {}{}; checked the envelope and the character repertoire only",
                    report.message_type, report.version, report.release
                ),
                location: Location {
                    offset: segment.offset(),
                    message: Some(report.reference.clone()),
                    ..Location::default()
                },
                data: None,
            });
        }
        let mut message = OpenMessage {
            report,
            guide,
            walker: guide.map(|g| Walker::new(&g.root)),
            position: 1,
            events: Vec::new(),
            problems: Vec::new(),
            qualifiers_seen: vec![false; guide.map_or(0, |g| g.required_qualifiers.len())],
            flat: guide.map(|g| self.flatten(&g.dictionary)),
        };
        if let Some(w) = &mut message.walker {
            w.place(tag_of(segment), &mut message.events);
        }
        self.message = Some(message);
        self.envelope_segment(segment, Level::Message, problems);
    }

    fn unt(&mut self, segment: &Segment<'_>) {
        let Some(message) = &mut self.message else {
            self.outside(segment, "UNT without a UNH");
            return;
        };
        message.position += 1;
        if let Some(w) = &mut message.walker {
            w.place(tag_of(segment), &mut message.events);
        }
        let mut problems = Vec::new();
        compare_count(segment, 1, message.position, "segments", &mut problems);
        let reference = message.report.reference.clone();
        compare_reference(segment, 2, &reference, "UNH", &mut problems);
        self.envelope_segment(segment, Level::Message, problems);
        self.close_message_now(segment.offset());
    }

    fn body(&mut self, segment: &Segment<'_>, tag: Tag) {
        let Some(message) = &mut self.message else {
            let tag = String::from_utf8_lossy(segment.tag()).into_owned();
            self.outside(segment, &format!("segment {tag} outside any message"));
            return;
        };
        message.position += 1;
        let charset = self
            .interchange
            .as_ref()
            .map_or(Charset::Iso8859(1), |i| i.charset);
        let (Some(walker), Some(guide)) = (&mut message.walker, message.guide) else {
            check_repertoire(segment, charset, &mut message.problems);
            self.flush_message_problems(segment, None);
            return;
        };
        let placement = walker.place(tag, &mut message.events);
        let mut segment_group = None;
        match placement {
            Placement::Found { node, loop_id } => {
                segment_group = Some(loop_id);
                let plain = message
                    .flat
                    .as_ref()
                    .is_some_and(|f| f.plainly_valid(node.def, segment, charset));
                if !plain {
                    let def = &guide.dictionary.segments[node.def];
                    let problems = &mut message.problems;
                    check_segment(segment, def, &guide.dictionary, charset, problems);
                }
                message.note_qualifiers(segment, tag);
            }
            Placement::OutOfOrder => {
                check_repertoire(segment, charset, &mut message.problems);
                let text = format!(
                    "segment {} is not allowed at this place in {}",
                    String::from_utf8_lossy(segment.tag()),
                    guide.id
                );
                self.segment_issue(segment, codes::NOT_SUPPORTED_IN_POSITION, text, None);
            }
            Placement::NotInSet => {
                check_repertoire(segment, charset, &mut message.problems);
                let text = format!(
                    "segment {} is not part of {} {}",
                    String::from_utf8_lossy(segment.tag()),
                    guide.id,
                    guide.version
                );
                self.segment_issue(segment, codes::NOT_SUPPORTED_IN_POSITION, text, None);
            }
        }
        self.flush_message_problems(segment, segment_group);
    }

    /// Turns the structure events and element problems gathered for the
    /// current segment into issues.
    #[inline]
    fn flush_message_problems(&mut self, segment: &Segment<'_>, segment_group: Option<&str>) {
        let Some(message) = &self.message else {
            return;
        };
        if !message.events.is_empty() || !message.problems.is_empty() {
            self.report_message_problems(segment, segment_group);
        }
    }

    /// What [`Run::flush_message_problems`] does when there is something
    /// to report: out of line, as most segments have nothing.
    #[inline(never)]
    fn report_message_problems(&mut self, segment: &Segment<'_>, segment_group: Option<&str>) {
        let Some(message) = &mut self.message else {
            return;
        };
        let events = std::mem::take(&mut message.events);
        let problems = std::mem::take(&mut message.problems);
        let group = segment_group.filter(|g| !g.is_empty()).map(str::to_string);
        for event in events {
            let (code, text) = structure_issue(&event);
            self.segment_issue(segment, code, text, group.clone());
        }
        for p in problems {
            let location = self.message_location(segment, group.clone());
            let issue = Issue {
                severity: if p.warning {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                level: Level::Element,
                code: Some(p.code),
                message: p.message,
                location: Location {
                    offset: p.offset,
                    element: Some(p.element),
                    component: p.component,
                    repetition: Some(p.repetition),
                    element_ref: (!p.element_ref.is_empty()).then_some(p.element_ref),
                    ..location
                },
                data: p.data,
            };
            self.push_message_issue(issue);
        }
    }

    fn segment_issue(
        &mut self,
        segment: &Segment<'_>,
        code: u8,
        message: String,
        segment_group: Option<String>,
    ) {
        let location = self.message_location(segment, segment_group);
        self.push_message_issue(Issue {
            severity: Severity::Error,
            level: Level::Segment,
            code: Some(code),
            message,
            location,
            data: None,
        });
    }

    fn message_location(&self, segment: &Segment<'_>, segment_group: Option<String>) -> Location {
        let mut location = self.envelope_location(segment.offset());
        if let Some(m) = &self.message {
            location.message = Some(m.report.reference.clone());
            location.segment_position = Some(m.position);
        }
        location.segment = Some(String::from_utf8_lossy(segment.tag()).into_owned());
        location.segment_group = segment_group;
        location
    }

    fn push_message_issue(&mut self, issue: Issue) {
        let limit = self.validator.options.max_issues_per_message;
        if let Some(m) = &mut self.message {
            if m.report.issues.len() < limit {
                m.report.issues.push(issue);
            } else {
                m.report.issues_dropped += 1;
            }
        }
    }

    /// Checks an envelope segment against the service dictionary and
    /// records its problems at `level`.
    fn envelope_segment(
        &mut self,
        segment: &Segment<'_>,
        level: Level,
        mut problems: Vec<EnvelopeProblem>,
    ) {
        let (syntax_version, charset) = self
            .interchange
            .as_ref()
            .map_or((3, Charset::Iso8859(1)), |i| {
                (i.report.header.syntax_version, i.charset)
            });
        if let Some(dictionary) = self.validator.service_dictionary(syntax_version) {
            if let Some((index, def)) =
                Tag::from_bytes(segment.tag()).and_then(|t| dictionary.segment(t))
            {
                let plain = self
                    .flatten(dictionary)
                    .plainly_valid(index, segment, charset);
                if !plain {
                    let mut found = Vec::new();
                    check_segment(segment, def, dictionary, charset, &mut found);
                    problems.extend(
                        found
                            .into_iter()
                            .filter(|p| !p.warning)
                            .map(|p| (p.code, p.element, p.component, p.message)),
                    );
                }
            }
        }
        if problems.is_empty() {
            return;
        }
        let tag = String::from_utf8_lossy(segment.tag()).into_owned();
        let mut location = self.envelope_location(segment.offset());
        location.segment = Some(tag);
        if level == Level::Message {
            if let Some(m) = &self.message {
                location.message = Some(m.report.reference.clone());
                location.segment_position = Some(m.position);
            }
        }
        for (code, element, component, message) in problems {
            let issue = Issue {
                severity: Severity::Error,
                level,
                code: Some(code),
                message,
                location: Location {
                    element: (element > 0).then_some(element),
                    component,
                    ..location.clone()
                },
                data: None,
            };
            self.push_issue(level, issue);
        }
    }

    fn push_issue(&mut self, level: Level, issue: Issue) {
        match level {
            Level::Message | Level::Segment | Level::Element if self.message.is_some() => {
                self.push_message_issue(issue)
            }
            Level::Group if self.group.is_some() => {
                if let Some(g) = &mut self.group {
                    g.issues.push(issue);
                }
            }
            _ => match &mut self.interchange {
                Some(i) => i.report.issues.push(issue),
                None => self.report.issues.push(issue),
            },
        }
    }

    fn envelope_location(&self, offset: u64) -> Location {
        Location {
            offset,
            interchange: self
                .interchange
                .as_ref()
                .map(|i| i.report.header.reference.clone()),
            group: self.group.as_ref().map(|g| g.reference.clone()),
            ..Location::default()
        }
    }

    /// A segment where none belongs: outside any message (0085 33).
    fn outside(&mut self, segment: &Segment<'_>, what: &str) {
        self.ensure_interchange(segment);
        let mut location = self.envelope_location(segment.offset());
        location.segment = Some(String::from_utf8_lossy(segment.tag()).into_owned());
        let level = if self.group.is_some() {
            Level::Group
        } else {
            Level::Interchange
        };
        self.push_issue(
            level,
            Issue {
                severity: Severity::Error,
                level,
                code: Some(codes::OUTSIDE_MESSAGE),
                message: what.to_string(),
                location,
                data: None,
            },
        );
    }

    /// Opens an interchange for content that arrived without a UNB, so that
    /// its messages are still checked.
    fn ensure_interchange(&mut self, segment: &Segment<'_>) {
        if self.interchange.is_some() {
            return;
        }
        let offset = self.pending_una.take().unwrap_or(segment.offset());
        let report = InterchangeReport {
            offset,
            separators: *segment.separators(),
            issues: vec![Issue {
                severity: Severity::Error,
                level: Level::Interchange,
                code: Some(codes::MISSING),
                message: "the interchange header UNB is missing".into(),
                location: Location {
                    offset: segment.offset(),
                    segment: Some("UNB".into()),
                    ..Location::default()
                },
                data: None,
            }],
            ..InterchangeReport::default()
        };
        self.interchange = Some(OpenInterchange {
            report,
            charset: Charset::Iso8859(1),
            loose_messages: 0,
            groups: 0,
            message_refs: SeenNumbers::default(),
            group_refs: SeenNumbers::default(),
        });
    }

    fn close_message(&mut self, offset: u64, before: &str) {
        if let Some(m) = &self.message {
            let location = Location {
                offset,
                message: Some(m.report.reference.clone()),
                segment: Some("UNT".into()),
                ..self.envelope_location(offset)
            };
            self.push_message_issue(Issue {
                severity: Severity::Error,
                level: Level::Message,
                code: Some(codes::MISSING),
                message: format!("the message trailer UNT is missing before {before}"),
                location,
                data: None,
            });
        }
        self.close_message_now(offset);
    }

    /// Ends the current message at `offset` (its UNT, or where it broke
    /// off).
    fn close_message_now(&mut self, offset: u64) {
        let Some(mut message) = self.message.take() else {
            return;
        };
        let location = Location {
            message: Some(message.report.reference.clone()),
            ..self.envelope_location(offset)
        };
        message.report_end_of_structure(&location);
        message.report_missing_qualifiers(&location);
        message.report.segments = message.position;
        if message.guide.is_none() {
            if let Some(i) = &mut self.interchange {
                i.report.unguided += 1;
            }
        }
        self.file_message(message.report);
    }

    /// Counts a finished message in its group, keeping its report when
    /// asked to or when it failed.
    fn file_message(&mut self, report: MessageReport) {
        let accepted = report.accepted();
        let keep = self.validator.options.keep_accepted_messages || !accepted;
        let group = self.group.get_or_insert_with(GroupReport::default);
        group.received += 1;
        group.accepted += u32::from(accepted);
        if keep {
            group.messages.push(report);
        }
        if !group.explicit {
            // Messages outside groups are kept in one implicit group.
            self.finish_group();
        }
    }

    fn close_group_if_open(&mut self, offset: u64, before: &str) {
        if self.message.is_some() {
            self.close_message(offset, before);
        }
        if self.group.as_ref().is_some_and(|g| g.explicit) {
            let location = Location {
                segment: Some("UNE".into()),
                ..self.envelope_location(offset)
            };
            if let Some(g) = &mut self.group {
                g.issues.push(Issue {
                    severity: Severity::Error,
                    level: Level::Group,
                    code: Some(codes::MISSING),
                    message: format!("the group trailer UNE is missing before {before}"),
                    location,
                    data: None,
                });
            }
            self.finish_group();
        }
    }

    /// Moves the current group into the interchange report. Messages
    /// outside groups share one implicit group, merged as they come.
    fn finish_group(&mut self) {
        let (Some(group), Some(interchange)) = (self.group.take(), &mut self.interchange) else {
            return;
        };
        let groups = &mut interchange.report.groups;
        match groups.last_mut() {
            Some(last) if !last.explicit && !group.explicit => {
                last.received += group.received;
                last.accepted += group.accepted;
                last.messages.extend(group.messages);
                last.issues.extend(group.issues);
            }
            _ => groups.push(group),
        }
    }

    /// Ends the interchange; `trailer_seen` is false when its UNZ never
    /// came.
    fn close_interchange(&mut self, offset: u64, trailer_seen: bool) {
        if !trailer_seen {
            self.close_group_if_open(offset, "the end of the interchange");
            let location = Location {
                segment: Some("UNZ".into()),
                ..self.envelope_location(offset)
            };
            if let Some(i) = &mut self.interchange {
                i.report.issues.push(Issue {
                    severity: Severity::Error,
                    level: Level::Interchange,
                    code: Some(codes::MISSING),
                    message: "the interchange trailer UNZ is missing".into(),
                    location,
                    data: None,
                });
            }
        }
        if let Some(i) = self.interchange.take() {
            self.report.interchanges.push(i.report);
        }
    }

    fn finish(&mut self, offset: u64) {
        if self.interchange.is_some() {
            self.close_interchange(offset, false);
        }
        if self.report.interchanges.is_empty() && self.report.issues.is_empty() {
            self.report.issues.push(Issue {
                severity: Severity::Error,
                level: Level::Interchange,
                code: Some(codes::MISSING),
                message: "no interchange found: the input holds no UNB segment".into(),
                location: Location::default(),
                data: None,
            });
        }
    }
}

const UNA: Tag = Tag::of(b"UNA");
const UNB: Tag = Tag::of(b"UNB");
const UNZ: Tag = Tag::of(b"UNZ");
const UNG: Tag = Tag::of(b"UNG");
const UNE: Tag = Tag::of(b"UNE");
const UNH: Tag = Tag::of(b"UNH");
const UNT: Tag = Tag::of(b"UNT");

fn tag_of(segment: &Segment<'_>) -> Tag {
    Tag::from_bytes(segment.tag()).unwrap_or(Tag::INVALID)
}

/// Checks only the repertoire, for segments no guide describes.
fn check_repertoire(segment: &Segment<'_>, charset: Charset, out: &mut Vec<ElementProblem>) {
    for piece in segment.pieces() {
        let raw = segment.raw_piece(piece);
        if let Some(index) = charset.first_invalid(raw) {
            out.push(ElementProblem {
                code: codes::INVALID_CHARACTERS,
                element: piece.element,
                component: Some(piece.component),
                repetition: piece.repetition,
                offset: segment.offset_of(piece) + index as u64,
                element_ref: String::new(),
                message: format!(
                    "byte 0x{:02X} is not in the declared character repertoire ({charset:?})",
                    raw[index]
                ),
                data: None,
                warning: false,
            });
        }
    }
}

fn structure_issue(event: &StructureEvent<'_>) -> (u8, String) {
    match event {
        StructureEvent::MandatoryMissing { tag, loop_id } => (
            codes::MISSING,
            if loop_id.is_empty() {
                format!("mandatory segment {tag} is missing")
            } else {
                format!("mandatory segment {tag} is missing in segment group {loop_id}")
            },
        ),
        StructureEvent::SegmentOverMax { tag, max } => (
            codes::TOO_MANY_SEGMENT_REPETITIONS,
            format!("segment {tag} repeats more than {max} times"),
        ),
        StructureEvent::LoopOverMax { loop_id, tag, max } => (
            codes::TOO_MANY_GROUP_REPETITIONS,
            format!("segment group {loop_id} (starting {tag}) repeats more than {max} times"),
        ),
    }
}

fn compare_count(
    segment: &Segment<'_>,
    element: u16,
    counted: u32,
    what: &str,
    problems: &mut Vec<EnvelopeProblem>,
) {
    let declared = segment.text(element as usize, 1);
    if declared.is_empty() {
        return;
    }
    if declared.parse::<u32>().ok() != Some(counted) {
        problems.push((
            codes::COUNT_MISMATCH,
            element,
            None,
            format!("the count says {declared} but {counted} {what} were received"),
        ));
    }
}

fn compare_reference(
    segment: &Segment<'_>,
    element: u16,
    expected: &str,
    header: &str,
    problems: &mut Vec<EnvelopeProblem>,
) {
    let found = segment.text(element as usize, 1);
    if !found.is_empty() && found != expected {
        problems.push((
            codes::REFERENCES_DO_NOT_MATCH,
            element,
            None,
            format!("reference {found} does not match {expected} in {header}"),
        ));
    }
}
