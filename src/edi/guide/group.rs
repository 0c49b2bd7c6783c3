//! Grouping a set's segments into the loop repetitions its guide defines:
//! the nested shape mappings read (a PO1 loop per order line, an N1 loop
//! per party, the HL hierarchy's levels).

use super::model::{LoopNode, Tag};
use super::walker::{Placement, Walker};

/// What a loop repetition (or the set's top level) holds, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Member {
    /// A segment, by its index in the input.
    Segment(usize),
    /// A repetition of a loop.
    Loop(LoopRepetition),
}

/// One repetition of a loop and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopRepetition {
    /// The loop's id (`N1`, `PO1`, `SG2`).
    pub id: String,
    /// Its segments and nested loop repetitions, in order.
    pub members: Vec<Member>,
}

impl LoopRepetition {
    /// The indices of the segments directly in this repetition.
    pub fn segments(&self) -> impl Iterator<Item = usize> + '_ {
        self.members.iter().filter_map(|m| match m {
            Member::Segment(i) => Some(*i),
            Member::Loop(_) => None,
        })
    }

    /// The repetitions of loop `id` directly inside this one.
    pub fn loops<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a LoopRepetition> + 'a {
        self.members.iter().filter_map(move |m| match m {
            Member::Loop(l) if l.id == id => Some(l),
            _ => None,
        })
    }
}

/// Groups segments (given by tag, in order) into the loops of `root`. The
/// result is the top level as a repetition with an empty id. Segments
/// that do not fit the structure stay where they occurred.
pub fn group(root: &LoopNode, tags: &[Tag]) -> LoopRepetition {
    let mut walker = Walker::new(root);
    let mut events = Vec::new();
    // The open repetitions, outermost first, with their walker numbers.
    let mut open: Vec<(u64, LoopRepetition)> = Vec::new();
    let mut top = LoopRepetition {
        id: String::new(),
        members: Vec::new(),
    };
    for (index, &tag) in tags.iter().enumerate() {
        events.clear();
        if let Placement::Found { .. } = walker.place(tag, &mut events) {
            let path: Vec<(&str, u64)> = walker.repetitions().collect();
            let common = open
                .iter()
                .zip(&path)
                .take_while(|((open_id, _), (_, id))| open_id == id)
                .count();
            while open.len() > common {
                close(&mut open, &mut top);
            }
            for &(id, number) in &path[common..] {
                open.push((
                    number,
                    LoopRepetition {
                        id: id.to_string(),
                        members: Vec::new(),
                    },
                ));
            }
        }
        match open.last_mut() {
            Some((_, innermost)) => innermost.members.push(Member::Segment(index)),
            None => top.members.push(Member::Segment(index)),
        }
    }
    while !open.is_empty() {
        close(&mut open, &mut top);
    }
    top
}

fn close(open: &mut Vec<(u64, LoopRepetition)>, top: &mut LoopRepetition) {
    if let Some((_, done)) = open.pop() {
        match open.last_mut() {
            Some((_, parent)) => parent.members.push(Member::Loop(done)),
            None => top.members.push(Member::Loop(done)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::load::parse_structure;
    use super::super::model::*;
    use super::*;

    const PO: &str = "ST M 1\nBEG M 1\nloop N1 O 2\n  N1 M 1\n  N3 O 2\nloop PO1 M >1\n  PO1 M 1\n  loop PID O 2\n    PID M 1\nCTT O 1\nSE M 1\n";

    fn shape(r: &LoopRepetition) -> String {
        let inner: Vec<String> = r
            .members
            .iter()
            .map(|m| match m {
                Member::Segment(i) => i.to_string(),
                Member::Loop(l) => format!("{}({})", l.id, shape(l)),
            })
            .collect();
        inner.join(" ")
    }

    #[test]
    fn segments_fall_into_loop_repetitions() {
        let mut d = Dictionary::default();
        for t in ["ST", "BEG", "N1", "N3", "PO1", "PID", "CTT", "SE"] {
            let tag = Tag::from_bytes(t.as_bytes()).unwrap();
            d.segment_tags.insert(tag, d.segments.len());
            d.segments
                .push(SegmentDef::new(tag, t.into(), vec![], vec![], &[]));
        }
        let root = parse_structure(PO, &d).unwrap();
        let tags: Vec<Tag> = "ST BEG N1 N3 N1 PO1 PID PID PO1 CTT SE"
            .split(' ')
            .map(|t| Tag::from_bytes(t.as_bytes()).unwrap())
            .collect();
        let top = group(&root, &tags);
        assert_eq!(
            shape(&top),
            "0 1 N1(2 3) N1(4) PO1(5 PID(6) PID(7)) PO1(8) 9 10"
        );
        assert_eq!(top.loops("PO1").count(), 2);
        assert_eq!(
            top.loops("N1")
                .next()
                .unwrap()
                .segments()
                .collect::<Vec<_>>(),
            [2, 3]
        );
    }
}
