//! Walks a set's structure segment by segment: which position each segment
//! takes, and what is missing, repeated too often or out of place.

use super::model::{LoopNode, MaxUse, Node, SegmentNode, Tag};

/// A structural problem found while walking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StructureEvent<'g> {
    /// A mandatory segment (or the first segment of a mandatory loop) did
    /// not occur where it must.
    MandatoryMissing { tag: Tag, loop_id: &'g str },
    /// A segment occurred more often in a row than its position allows.
    SegmentOverMax { tag: Tag, max: MaxUse },
    /// A loop repeated more often than allowed.
    LoopOverMax {
        loop_id: &'g str,
        tag: Tag,
        max: MaxUse,
    },
}

/// Where a segment landed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Placement<'g> {
    /// At this position, inside this loop (`""` at the top level).
    Found {
        node: &'g SegmentNode,
        loop_id: &'g str,
    },
    /// The set has this segment, but not at any place reachable from here.
    OutOfOrder,
    /// The set has no such segment.
    NotInSet,
}

struct Frame<'g> {
    node: &'g LoopNode,
    /// A number that differs for every loop repetition entered.
    instance: u64,
    /// The position last matched in this loop repetition.
    index: usize,
    /// Occurrences at `index` (segment uses, or repetitions of a child loop).
    count: u32,
}

/// The walking state for one set.
pub struct Walker<'g> {
    root: &'g LoopNode,
    stack: Vec<Frame<'g>>,
    /// Loop repetitions entered so far.
    entered: u64,
}

impl<'g> Walker<'g> {
    /// Starts before the first segment of `root`.
    pub fn new(root: &'g LoopNode) -> Self {
        Walker {
            root,
            stack: vec![Frame {
                node: root,
                instance: 0,
                index: 0,
                count: 0,
            }],
            entered: 0,
        }
    }

    /// Places the next segment, appending any structural problems to
    /// `events`. A segment that does not fit leaves the state unchanged.
    pub fn place(&mut self, tag: Tag, events: &mut Vec<StructureEvent<'g>>) -> Placement<'g> {
        let mut used_up = None;
        for depth in (0..self.stack.len()).rev() {
            let found = match self.find_forward(depth, tag) {
                Some(Fit::Open(j)) => Some((depth, j)),
                Some(Fit::UsedUp(j)) => {
                    used_up = Some((depth, j));
                    None
                }
                None => None,
            };
            if let Some(target) = found.or_else(|| used_up.filter(|_| depth == 0)) {
                return self.take_at(target, tag, events);
            }
        }
        if self.root.contains(tag) {
            Placement::OutOfOrder
        } else {
            Placement::NotInSet
        }
    }

    /// The loop repetitions the last placed segment sits in, outermost
    /// first (the set's top level left out): each loop's id and a number
    /// that is new for every repetition.
    pub fn repetitions(&self) -> impl Iterator<Item = (&'g str, u64)> + '_ {
        self.stack
            .iter()
            .skip(1)
            .map(|f| (f.node.id.as_str(), f.instance))
    }

    /// Closes every open loop at the end of the set, reporting what is
    /// missing.
    pub fn finish(&mut self, events: &mut Vec<StructureEvent<'g>>) {
        while self.stack.len() > 1 {
            self.close_top(events);
        }
        if let Some(frame) = self.stack.first_mut() {
            report_rest(frame, events);
            frame.index = frame.node.children.len();
            frame.count = 0;
        }
    }

    /// The first position at or after the current one in frame `depth`
    /// that `tag` can take. The current position, when used up, is only a
    /// fallback: a later position, or a new repetition of an enclosing loop,
    /// is preferred.
    fn find_forward(&self, depth: usize, tag: Tag) -> Option<Fit> {
        let frame = &self.stack[depth];
        let node = frame.node;
        let Some(positions) = &node.positions else {
            return scan_forward(frame, tag);
        };
        let mut later = positions.of(tag) & u64::MAX.checked_shl(frame.index as u32).unwrap_or(0);
        if later == 0 {
            return None;
        }
        let j = later.trailing_zeros() as usize;
        if j != frame.index || max_of(&node.children[j]).allows(frame.count + 1) {
            return Some(Fit::Open(j));
        }
        // Only the current position can be used up; a later one is open.
        later &= later - 1;
        Some(match later {
            0 => Fit::UsedUp(j),
            _ => Fit::Open(later.trailing_zeros() as usize),
        })
    }

    fn take_at(
        &mut self,
        (depth, j): (usize, usize),
        tag: Tag,
        events: &mut Vec<StructureEvent<'g>>,
    ) -> Placement<'g> {
        while self.stack.len() > depth + 1 {
            self.close_top(events);
        }
        self.take(j, tag, events)
    }

    fn take(&mut self, j: usize, tag: Tag, events: &mut Vec<StructureEvent<'g>>) -> Placement<'g> {
        let depth = self.stack.len() - 1;
        let frame = &mut self.stack[depth];
        let node = frame.node;
        if j == frame.index {
            frame.count += 1;
        } else {
            report_missing(node, frame.index, frame.count, j, events);
            frame.index = j;
            frame.count = 1;
        }
        let count = frame.count;
        match &node.children[j] {
            Node::Segment(s) => {
                if !s.max.allows(count) {
                    events.push(StructureEvent::SegmentOverMax { tag, max: s.max });
                }
                Placement::Found {
                    node: s,
                    loop_id: &node.id,
                }
            }
            Node::Loop(l) => {
                if !l.max.allows(count) {
                    events.push(StructureEvent::LoopOverMax {
                        loop_id: &l.id,
                        tag,
                        max: l.max,
                    });
                }
                self.entered += 1;
                self.stack.push(Frame {
                    node: l,
                    instance: self.entered,
                    index: 0,
                    count: 1,
                });
                match &l.children[0] {
                    Node::Segment(s) => Placement::Found {
                        node: s,
                        loop_id: &l.id,
                    },
                    // A loop starting with a loop is refused when the guide loads.
                    Node::Loop(_) => Placement::NotInSet,
                }
            }
        }
    }

    fn close_top(&mut self, events: &mut Vec<StructureEvent<'g>>) {
        if let Some(frame) = self.stack.pop() {
            report_rest(&frame, events);
        }
    }
}

/// [`Walker::find_forward`] for a loop too wide for the bit sets: a scan.
fn scan_forward(frame: &Frame<'_>, tag: Tag) -> Option<Fit> {
    let node = frame.node;
    let mut from = frame.index;
    let mut fallback = None;
    while let Some(offset) = node.child_tags.get(from..)?.iter().position(|t| *t == tag) {
        let j = from + offset;
        let used_up = j == frame.index && !max_of(&node.children[j]).allows(frame.count + 1);
        if !used_up {
            return Some(Fit::Open(j));
        }
        fallback = Some(Fit::UsedUp(j));
        from = j + 1;
    }
    fallback
}

/// A position a segment can take: open, or only past its maximum use.
enum Fit {
    Open(usize),
    UsedUp(usize),
}

fn max_of(node: &Node) -> MaxUse {
    match node {
        Node::Segment(s) => s.max,
        Node::Loop(l) => l.max,
    }
}

/// Reports the mandatory positions after the current one, when a loop
/// repetition (or the set) ends.
fn report_rest<'g>(frame: &Frame<'g>, events: &mut Vec<StructureEvent<'g>>) {
    report_missing(
        frame.node,
        frame.index,
        frame.count,
        frame.node.children.len(),
        events,
    );
}

/// Reports mandatory positions passed over when moving from `from` (used
/// `count` times) to `to`.
#[inline]
fn report_missing<'g>(
    node: &'g LoopNode,
    from: usize,
    count: u32,
    to: usize,
    events: &mut Vec<StructureEvent<'g>>,
) {
    let first_unseen = if count == 0 { from } else { from + 1 };
    if let Some(p) = &node.positions {
        let passed = u64::MAX.checked_shl(first_unseen as u32).unwrap_or(0)
            & !u64::MAX.checked_shl(to as u32).unwrap_or(0);
        if p.mandatory & passed == 0 {
            return;
        }
    }
    report_passed_over(node, first_unseen, to, events);
}

#[inline(never)]
fn report_passed_over<'g>(
    node: &'g LoopNode,
    first_unseen: usize,
    to: usize,
    events: &mut Vec<StructureEvent<'g>>,
) {
    let start = node.mandatory.partition_point(|&i| i < first_unseen);
    for &i in node.mandatory[start..].iter().take_while(|&&i| i < to) {
        let child = &node.children[i];
        events.push(StructureEvent::MandatoryMissing {
            tag: child.first_tag(),
            loop_id: match child {
                Node::Loop(l) => &l.id,
                Node::Segment(_) => &node.id,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::load::parse_structure;
    use super::super::model::*;
    use super::*;

    fn dictionary(tags: &[&str]) -> Dictionary {
        let mut d = Dictionary::default();
        for t in tags {
            let tag = Tag::from_bytes(t.as_bytes()).unwrap();
            d.segment_tags.insert(tag, d.segments.len());
            d.segments
                .push(SegmentDef::new(tag, t.to_string(), vec![], vec![], &[]));
        }
        d
    }

    const PO: &str = "ST M 1\nBEG M 1\nREF O >1\nloop N1 O 2\n  N1 M 1\n  N3 O 2\nloop PO1 M >1\n  PO1 M 1\n  loop PID O 2\n    PID M 1\nCTT O 1\nSE M 1\n";

    fn walk(tags: &str) -> Vec<String> {
        let d = dictionary(&[
            "ST", "BEG", "REF", "N1", "N3", "PO1", "PID", "CTT", "SE", "ZZZ",
        ]);
        let root = parse_structure(PO, &d).unwrap();
        let mut w = Walker::new(&root);
        let mut out = vec![];
        for t in tags.split_whitespace() {
            let mut events = vec![];
            let placed = w.place(Tag::from_bytes(t.as_bytes()).unwrap(), &mut events);
            out.extend(events.iter().map(|e| format!("{t}: {e:?}")));
            match placed {
                Placement::Found { loop_id, .. } => out.push(format!("{t}@{loop_id}")),
                other => out.push(format!("{t}: {other:?}")),
            }
        }
        let mut events = vec![];
        w.finish(&mut events);
        out.extend(events.iter().map(|e| format!("end: {e:?}")));
        out
    }

    #[test]
    fn places_segments_into_loops() {
        let got = walk("ST BEG N1 N3 N1 PO1 PID PID PO1 CTT SE");
        assert_eq!(
            got,
            [
                "ST@", "BEG@", "N1@N1", "N3@N1", "N1@N1", "PO1@PO1", "PID@PID", "PID@PID",
                "PO1@PO1", "CTT@", "SE@"
            ]
        );
    }

    #[test]
    fn reports_missing_mandatory_segment_and_loop() {
        let got = walk("ST REF SE");
        assert!(
            got.contains(&"REF: MandatoryMissing { tag: BEG, loop_id: \"\" }".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"SE: MandatoryMissing { tag: PO1, loop_id: \"PO1\" }".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn reports_over_max_and_out_of_order() {
        let got = walk("ST BEG BEG N1 N1 N1 PO1 PID PID PID REF SE");
        assert!(
            got.iter().any(|e| e.starts_with("BEG: SegmentOverMax")),
            "{got:?}"
        );
        assert!(
            got.iter().any(|e| e.starts_with("N1: LoopOverMax")),
            "{got:?}"
        );
        assert!(
            got.iter().any(|e| e.starts_with("PID: LoopOverMax")),
            "{got:?}"
        );
        assert!(got.contains(&"REF: OutOfOrder".to_string()), "{got:?}");
    }

    #[test]
    fn unknown_segment_is_not_in_set() {
        let got = walk("ST BEG ZZZ PO1 SE");
        assert!(got.contains(&"ZZZ: NotInSet".to_string()), "{got:?}");
    }

    /// Walks `tags` through a flat set of `width` positions `A00`, `A01`, …
    /// (every third mandatory, each used at most twice in a row).
    fn walk_wide(width: usize, tags: &[&str]) -> Vec<String> {
        let names: Vec<String> = (0..width).map(|i| format!("A{i:02}")).collect();
        let d = dictionary(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let structure: String = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{n} {} 2\n", if i % 3 == 0 { "M" } else { "O" }))
            .collect();
        let root = parse_structure(&structure, &d).unwrap();
        assert_eq!(root.positions.is_some(), width <= 64);
        let mut w = Walker::new(&root);
        let mut out = vec![];
        for t in tags {
            let mut events = vec![];
            let placed = w.place(Tag::from_bytes(t.as_bytes()).unwrap(), &mut events);
            out.extend(events.iter().map(|e| format!("{t}: {e:?}")));
            out.push(
                format!("{t}: {placed:?}")
                    .split(" {")
                    .next()
                    .unwrap()
                    .to_string(),
            );
        }
        out
    }

    #[test]
    fn loops_too_wide_for_bit_sets_walk_the_same() {
        let tags = [
            "A00", "A00", "A00", "A02", "A01", "A05", "A40", "A41", "A41", "A63",
        ];
        let narrow = walk_wide(64, &tags);
        assert!(
            narrow.iter().any(|e| e.starts_with("A00: SegmentOverMax")),
            "{narrow:?}"
        );
        assert!(
            narrow
                .iter()
                .any(|e| e.starts_with("A05: MandatoryMissing")),
            "{narrow:?}"
        );
        assert!(
            narrow.contains(&"A01: OutOfOrder".to_string()),
            "{narrow:?}"
        );
        assert_eq!(walk_wide(70, &tags), narrow);
    }
}
