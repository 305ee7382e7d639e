//! The layered layout of a system's diagram: zones as columns left to right by trust,
//! components in layers inside their zone, ordered to cut crossings, flows as curves with
//! their labels placed clear of boxes and of each other. Pure and deterministic.

use riskfirst_model::{ComponentIdx, Estate, FlowIdx, SystemIdx, ZoneIdx};

use super::escape::text_width;
use super::{Marks, View};

pub const NODE_W: f64 = 190.0;
pub const NODE_H: f64 = 54.0;
/// Between two columns of one zone: room for a flow label.
const COL_GAP: f64 = 112.0;
/// Between two rows of components.
const ROW_GAP: f64 = 30.0;
/// Between the boxes of two zones (labels of crossing flows sit here and in the padding).
const ZONE_GAP: f64 = 48.0;
const ZONE_PAD: f64 = 24.0;
/// Room for the zone's title above its first row.
pub const ZONE_HEADER: f64 = 36.0;
pub const MARGIN: f64 = 20.0;
/// Room for the diagram's title above the zones.
pub const TITLE_H: f64 = 48.0;
/// The length of an arrowhead: curves stop short of the box by this much.
pub const ARROW: f64 = 8.0;
pub const LABEL_SIZE: f64 = 10.0;
pub const LABEL_H: f64 = 16.0;
/// Extra label width for the unencrypted marker and for a threat badge.
pub const LOCK_W: f64 = 13.0;
pub const BADGE_W: f64 = 17.0;

/// An axis-aligned rectangle: `x`, `y` its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn centre_y(&self) -> f64 {
        self.y + self.h / 2.0
    }
    /// Do the insides meet (touching edges do not count)?
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    pub fn contains(&self, o: &Rect) -> bool {
        self.x <= o.x && self.y <= o.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }
    fn inflate(&self, by: f64) -> Rect {
        Rect {
            x: self.x - by,
            y: self.y - by,
            w: self.w + 2.0 * by,
            h: self.h + 2.0 * by,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub component: ComponentIdx,
    pub rect: Rect,
    /// Index into [`Layout::zones`].
    pub zone: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ZoneBox {
    pub zone: ZoneIdx,
    pub rect: Rect,
}

/// One flow: a chain of cubic Bézier segments from the sender's side to just short of the
/// receiver's side, an arrowhead pointing along `direction` (+1 right, -1 left) at `tip`,
/// and its label. A flow that passes columns on its way runs through the free corridor
/// between their boxes rather than over them.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    pub flow: FlowIdx,
    /// Positions in [`Layout::nodes`] of the sender and the receiver.
    pub from: usize,
    pub to: usize,
    pub path: Vec<[(f64, f64); 4]>,
    pub tip: (f64, f64),
    pub direction: f64,
    pub label: Rect,
    /// Unencrypted and crossing a zone boundary.
    pub exposed: bool,
}

/// Where everything of a diagram goes, in SVG user units.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    /// Down to the bottom of the zones (the legend goes below).
    pub height: f64,
    pub nodes: Vec<NodeBox>,
    pub zones: Vec<ZoneBox>,
    pub edges: Vec<EdgeRoute>,
}

/// Lays out `system` (its flow labels sized for the badges of `marks`).
pub fn layout(estate: &Estate, system: SystemIdx, marks: &Marks) -> Layout {
    place(&View::new(estate, system), marks)
}

pub(crate) fn place(view: &View<'_>, marks: &Marks) -> Layout {
    let n = view.nodes.len();
    // Columns hold at most this many rows, so a big system spreads into a wide rectangle
    // (about 16:9 with these cell sizes) rather than one tall column per zone.
    let cell_ratio = (NODE_W + COL_GAP) / (NODE_H + ROW_GAP);
    let max_rows = ((n as f64 * 1.3 * cell_ratio / 1.8).sqrt().ceil() as usize).max(6);

    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(_, a, b) in &view.flows {
        if a != b {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
    }

    // Columns, zone by zone: layers by longest path over the zone's own flows, each layer
    // cut into columns of at most `max_rows`.
    let mut columns: Vec<Vec<usize>> = Vec::new();
    let mut column_zone: Vec<usize> = Vec::new();
    for z in 0..view.zones.len() {
        let members: Vec<usize> = (0..n).filter(|v| view.node_zone[*v] == z).collect();
        let layer = layers(view, &members);
        let depth = members.iter().map(|v| layer[*v]).max().unwrap_or(0);
        for l in 0..=depth {
            let in_layer: Vec<usize> = members.iter().copied().filter(|v| layer[*v] == l).collect();
            for chunk in in_layer.chunks(max_rows) {
                columns.push(chunk.to_vec());
                column_zone.push(z);
            }
        }
    }
    let rows = columns.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let row_h = NODE_H + ROW_GAP;
    let top = MARGIN + TITLE_H + ZONE_HEADER;
    let span = (rows - 1) as f64 * row_h;

    // y of each node's top; start centred, then order columns by barycentre sweeps.
    let mut y = vec![0.0; n];
    let mut col_of = vec![0usize; n];
    for (ci, col) in columns.iter().enumerate() {
        centre(col, &mut y, top, span, row_h);
        for v in col {
            col_of[*v] = ci;
        }
    }
    for sweep in 0..12 {
        let forward = sweep % 2 == 0;
        let order: Vec<usize> = if forward {
            (1..columns.len()).collect()
        } else {
            (0..columns.len().saturating_sub(1)).rev().collect()
        };
        for ci in order {
            let mut keyed: Vec<(f64, usize, usize)> = columns[ci]
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let side = neighbours[*v].iter().filter(|u| {
                        if forward {
                            col_of[**u] < ci
                        } else {
                            col_of[**u] > ci
                        }
                    });
                    (mean(side.map(|u| y[*u])).unwrap_or(y[*v]), i, *v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            columns[ci] = keyed.into_iter().map(|k| k.2).collect();
            centre(&columns[ci], &mut y, top, span, row_h);
        }
    }
    // Then pull each node towards its neighbours, keeping the order and the spacing, so
    // that flows run as straight as they can.
    for _ in 0..6 {
        for col in &columns {
            let wanted: Vec<f64> = col
                .iter()
                .map(|v| {
                    mean(
                        neighbours[*v]
                            .iter()
                            .filter(|u| col_of[**u] != col_of[*v])
                            .map(|u| y[*u]),
                    )
                    .unwrap_or(y[*v])
                })
                .collect();
            let placed = spaced(&wanted, top, top + span, row_h);
            for (v, py) in col.iter().zip(placed) {
                y[*v] = py.round();
            }
        }
    }

    // x: zones left to right, their columns inside.
    let mut zones = Vec::with_capacity(view.zones.len());
    let mut x_of = vec![0.0; n];
    let mut cursor = MARGIN;
    let zone_top = MARGIN + TITLE_H;
    let zone_h = ZONE_HEADER + span + NODE_H + ZONE_PAD;
    for (z, zone) in view.zones.iter().enumerate() {
        let cols: Vec<usize> = (0..columns.len())
            .filter(|c| column_zone[*c] == z)
            .collect();
        let mut x = cursor + ZONE_PAD;
        for c in &cols {
            for v in &columns[*c] {
                x_of[*v] = x;
            }
            x += NODE_W + COL_GAP;
        }
        let width = cols.len().max(1) as f64 * (NODE_W + COL_GAP) - COL_GAP + 2.0 * ZONE_PAD;
        zones.push(ZoneBox {
            zone: *zone,
            rect: Rect {
                x: cursor,
                y: zone_top,
                w: width,
                h: zone_h,
            },
        });
        cursor += width + ZONE_GAP;
    }
    let nodes: Vec<NodeBox> = (0..n)
        .map(|v| NodeBox {
            component: view.nodes[v],
            rect: Rect {
                x: x_of[v],
                y: y[v],
                w: NODE_W,
                h: NODE_H,
            },
            zone: view.node_zone[v],
        })
        .collect();
    let width = (cursor - ZONE_GAP + MARGIN).max(2.0 * MARGIN);
    let height = zone_top + zone_h + MARGIN;
    let edges = route(view, marks, &nodes);
    Layout {
        width,
        height,
        nodes,
        zones,
        edges,
    }
}

/// Longest-path layers of `members` over the flows among them, cycles broken by ignoring
/// the flows that close them in a depth-first walk in model order.
fn layers(view: &View<'_>, members: &[usize]) -> Vec<usize> {
    let n = view.nodes.len();
    let inside: Vec<bool> = (0..n).map(|v| members.contains(&v)).collect();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(_, a, b) in &view.flows {
        if a != b && inside[a] && inside[b] {
            out[a].push(b);
        }
    }
    // Iterative DFS: 0 unvisited, 1 on the stack, 2 done; `post` is the finishing order.
    let mut state = vec![0u8; n];
    let mut post = Vec::with_capacity(members.len());
    let mut kept: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &root in members {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        kept[v].push(w);
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    2 => kept[v].push(w),
                    _ => {} // closes a cycle: left out of the layering
                }
            } else {
                state[v] = 2;
                post.push(v);
                stack.pop();
            }
        }
    }
    let mut layer = vec![0usize; n];
    for &v in post.iter().rev() {
        for &w in &kept[v] {
            layer[w] = layer[w].max(layer[v] + 1);
        }
    }
    layer
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}

/// Centres a column of nodes in the rows' span.
fn centre(col: &[usize], y: &mut [f64], top: f64, span: f64, row_h: f64) {
    let used = (col.len().saturating_sub(1)) as f64 * row_h;
    let start = top + ((span - used) / 2.0 / row_h).floor() * row_h;
    for (i, v) in col.iter().enumerate() {
        y[*v] = start + i as f64 * row_h;
    }
}

/// Positions as close as possible (least squares) to `wanted`, in the same order, at least
/// `gap` apart and inside `[low, high]`: isotonic regression by pooling adjacent violators
/// on `wanted[i] - i * gap`.
fn spaced(wanted: &[f64], low: f64, high: f64, gap: f64) -> Vec<f64> {
    let k = wanted.len();
    if k == 0 {
        return Vec::new();
    }
    // Blocks of (sum, count), each block's value its mean.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(k);
    for (i, w) in wanted.iter().enumerate() {
        blocks.push((w - i as f64 * gap, 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s1 + s2, c1 + c2);
        }
    }
    let max_z = (high - (k - 1) as f64 * gap).max(low);
    let mut out = Vec::with_capacity(k);
    for (s, c) in blocks {
        let z = (s / c as f64).clamp(low, max_z);
        for _ in 0..c {
            out.push(z + out.len() as f64 * gap);
        }
    }
    out
}

/// Curves for every flow, with ports spread along each side of a box, and labels placed
/// where they cover no box and no other label when such a place exists.
fn route(view: &View<'_>, marks: &Marks, nodes: &[NodeBox]) -> Vec<EdgeRoute> {
    let n = nodes.len();
    #[derive(Clone, Copy, PartialEq)]
    enum Side {
        Left,
        Right,
    }
    // Which side each end of each flow uses.
    let sides: Vec<(Side, Side)> = view
        .flows
        .iter()
        .map(|&(_, a, b)| {
            let (xa, xb) = (nodes[a].rect.x, nodes[b].rect.x);
            if xb > xa {
                (Side::Right, Side::Left)
            } else if xb < xa {
                (Side::Left, Side::Right)
            } else {
                (Side::Right, Side::Right)
            }
        })
        .collect();
    // Ports: on each side of each box, the flows ordered by the height of their other end.
    let mut attached: Vec<[Vec<(f64, usize, bool)>; 2]> = vec![[Vec::new(), Vec::new()]; n];
    for (e, &(_, a, b)) in view.flows.iter().enumerate() {
        let (sa, sb) = sides[e];
        attached[a][(sa == Side::Right) as usize].push((nodes[b].rect.centre_y(), e, true));
        attached[b][(sb == Side::Right) as usize].push((nodes[a].rect.centre_y(), e, false));
    }
    let mut port = vec![(0.0, 0.0); view.flows.len()]; // (start y, end y)
    for (v, sides) in attached.iter_mut().enumerate() {
        for list in sides.iter_mut() {
            list.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
            let m = list.len() as f64;
            for (k, &(_, e, start)) in list.iter().enumerate() {
                let r = &nodes[v].rect;
                let py = (r.y + 10.0 + (r.h - 20.0) * (k as f64 + 0.5) / m).round();
                if start {
                    port[e].0 = py;
                } else {
                    port[e].1 = py;
                }
            }
        }
    }

    let boxes: Vec<Rect> = nodes.iter().map(|b| b.rect.inflate(4.0)).collect();
    // The vertical room corridors may use: from just under the zone titles to the zones' bottom.
    let low = nodes.iter().map(|b| b.rect.y).fold(f64::INFINITY, f64::min) - 14.0;
    let high = nodes
        .iter()
        .map(|b| b.rect.bottom())
        .fold(f64::NEG_INFINITY, f64::max)
        + 12.0;
    let mut runs: Vec<(f64, f64, f64)> = Vec::new(); // corridors taken: (y, x from, x to)
    let mut placed: Vec<Rect> = Vec::with_capacity(view.flows.len());
    let mut edges = Vec::with_capacity(view.flows.len());
    for (e, &(flow, a, b)) in view.flows.iter().enumerate() {
        let (ra, rb) = (&nodes[a].rect, &nodes[b].rect);
        let (y1, y2) = port[e];
        let (path, tip, direction) = match sides[e] {
            (Side::Right, Side::Right) => {
                // Same column: out of the right side and back into it, bulging right.
                let (x1, x2) = (ra.right(), rb.right());
                let bulge = 30.0 + ((y2 - y1).abs() / 6.0).min(24.0);
                let end = x2 + ARROW;
                (
                    vec![[(x1, y1), (x1 + bulge, y1), (end + bulge, y2), (end, y2)]],
                    (x2, y2),
                    -1.0,
                )
            }
            (sa, _) => {
                let dir = if sa == Side::Right { 1.0 } else { -1.0 };
                let x1 = if dir > 0.0 { ra.right() } else { ra.x };
                let x2 = if dir > 0.0 { rb.x } else { rb.right() };
                let (lo, hi) = (x1.min(x2), x1.max(x2));
                let between: Vec<&Rect> = boxes
                    .iter()
                    .filter(|r| r.x >= lo - 4.0 && r.right() <= hi + 4.0)
                    .collect();
                let end = x2 - dir * ARROW;
                let path = if between.is_empty() {
                    let dx = ((end - x1).abs() * 0.45).max(24.0) * dir;
                    vec![[(x1, y1), (x1 + dx, y1), (end - dx, y2), (end, y2)]]
                } else {
                    // Into the gap after the sender's column, along a free corridor past
                    // the columns between, out of the gap before the receiver's column.
                    let first = between
                        .iter()
                        .map(|r| if dir > 0.0 { r.x - x1 } else { x1 - r.right() })
                        .fold(f64::INFINITY, f64::min);
                    let last = between
                        .iter()
                        .map(|r| if dir > 0.0 { x2 - r.right() } else { r.x - x2 })
                        .fold(f64::INFINITY, f64::min);
                    let (d1, d2) = (first * 0.55 * dir, last * 0.55 * dir);
                    let (cx1, cx2) = (x1 + d1, x2 - d2);
                    let yc = corridor(&between, &runs, (y1 + y2) / 2.0, low, high, lo, hi);
                    runs.push((yc, lo, hi));
                    vec![
                        [
                            (x1, y1),
                            (x1 + d1 * 0.6, y1),
                            (cx1 - d1 * 0.4, yc),
                            (cx1, yc),
                        ],
                        [(cx1, yc), (cx1, yc), (cx2, yc), (cx2, yc)],
                        [
                            (cx2, yc),
                            (cx2 + (end - cx2) * 0.4, yc),
                            (end - (end - cx2) * 0.6, y2),
                            (end, y2),
                        ],
                    ]
                };
                (path, (x2, y2), dir)
            }
        };
        let f = &view.estate[flow];
        let exposed = !f.encrypted && view.crosses(a, b);
        let mut w = text_width(&label_text(view, flow), LABEL_SIZE) + 12.0;
        if exposed {
            w += LOCK_W;
        }
        if marks.flow(flow).is_some() {
            w += BADGE_W;
        }
        // Where the label may go: the middle of a single curve first; on a longer path near
        // the sender first, then near the receiver, then along the corridor.
        let candidates: Vec<(f64, f64)> = if path.len() == 1 {
            [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85]
                .iter()
                .map(|t| bezier(&path[0], *t))
                .collect()
        } else {
            let mut c: Vec<(f64, f64)> = [0.75, 0.55, 0.9]
                .iter()
                .map(|t| bezier(&path[0], *t))
                .collect();
            c.extend([0.25, 0.45, 0.1].iter().map(|t| bezier(&path[2], *t)));
            c.extend((1..10).map(|k| bezier(&path[1], k as f64 / 10.0)));
            c
        };
        let mut best: Option<(usize, Rect)> = None;
        for (cx, cy) in candidates {
            let r = Rect {
                x: (cx - w / 2.0).round(),
                y: (cy - LABEL_H / 2.0).round(),
                w: w.ceil(),
                h: LABEL_H,
            };
            let hits = boxes.iter().filter(|b| b.overlaps(&r)).count() * 4
                + placed
                    .iter()
                    .filter(|p| p.inflate(2.0).overlaps(&r))
                    .count();
            if best.as_ref().is_none_or(|(h, _)| hits < *h) {
                best = Some((hits, r));
            }
            if hits == 0 {
                break;
            }
        }
        let label = best.map(|b| b.1).unwrap_or(Rect {
            x: path[0][0].0,
            y: path[0][0].1,
            w,
            h: LABEL_H,
        });
        placed.push(label);
        edges.push(EdgeRoute {
            flow,
            from: a,
            to: b,
            path,
            tip,
            direction,
            label,
            exposed,
        });
    }
    edges
}

/// The height of a horizontal run past `between` (boxes already inflated), as near `ideal`
/// as the boxes allow, and apart from the runs already taken over the same stretch.
fn corridor(
    between: &[&Rect],
    runs: &[(f64, f64, f64)],
    ideal: f64,
    low: f64,
    high: f64,
    lo: f64,
    hi: f64,
) -> f64 {
    let free = |y: f64| {
        between
            .iter()
            .all(|r| y < r.y - 2.0 || y > r.bottom() + 2.0)
    };
    let crowded = |y: f64| {
        runs.iter()
            .filter(|(ry, a, b)| (ry - y).abs() < 5.0 && *a < hi && lo < *b)
            .count()
    };
    let mut best: Option<(f64, f64)> = None;
    let mut y = low;
    while y <= high {
        if free(y) {
            let score = (y - ideal).abs() + 60.0 * crowded(y) as f64;
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, y));
            }
        }
        y += 3.0;
    }
    best.map(|b| b.1).unwrap_or(low).round()
}

/// What a flow's label says: its protocol.
pub(crate) fn label_text(view: &View<'_>, flow: FlowIdx) -> String {
    super::escape::fit(&view.estate[flow].raw.protocol, 140.0, LABEL_SIZE).0
}

fn bezier(p: &[(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
        a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1,
    )
}

#[cfg(test)]
mod tests {
    use super::spaced;

    #[test]
    fn spaced_keeps_order_gap_and_bounds() {
        let got = spaced(&[50.0, 50.0, 50.0], 0.0, 200.0, 40.0);
        assert_eq!(got, vec![10.0, 50.0, 90.0]);
        let got = spaced(&[-100.0, 500.0], 0.0, 100.0, 40.0);
        assert_eq!(got, vec![0.0, 100.0]);
        let got = spaced(&[300.0, 300.0], 0.0, 100.0, 40.0);
        assert_eq!(got, vec![60.0, 100.0]);
    }
}
