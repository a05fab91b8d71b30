//! Charts as inline SVG strings, drawn with plotters' SVG backend from plain chart specs that
//! the HTML stage builds out of the model. One renderer serves every chart on the page.

use std::ops::Range;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::format;

const W: u32 = 620;
const H: u32 = 360;
/// Generic CSS family: the page embeds no fonts.
const FONT: &str = "sans-serif";

/// Tableau-10: one color per backend, in the order the summary lists backends.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
/// Color index of reference lines (ideal scaling).
pub const GREY: usize = usize::MAX;

/// How tick labels of an axis read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fmt {
    /// 1.2M, 850k.
    Si,
    /// ns, µs, ms.
    Ns,
    /// MiB.
    Bytes,
    /// Whole numbers only (thread counts).
    Int,
    /// Two decimals.
    Plain,
    /// Positions 0..=4 named p50, p90, p99, p99.9, max.
    Nines,
}

impl Fmt {
    fn label(self, v: f64) -> String {
        match self {
            Fmt::Si => format::si(v),
            Fmt::Ns => format::ns(v),
            Fmt::Bytes => format::bytes(v),
            Fmt::Int if (v - v.round()).abs() < 1e-6 => format!("{}", v.round()),
            Fmt::Int => String::new(),
            Fmt::Plain => format!("{v:.2}"),
            Fmt::Nines => NINES
                .get(v.round() as usize)
                .filter(|_| (v - v.round()).abs() < 1e-6 && v >= -1e-6)
                .map_or(String::new(), |s| s.to_string()),
        }
    }
}

/// Percentile names at x = 0, 1, 2, 3, 4 (a "nines" scale: each step one more nine).
pub const NINES: [&str; 5] = ["p50", "p90", "p99", "p99.9", "max"];

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub color: usize,
    pub points: Vec<(f64, f64)>,
    /// Baseline / reference: dashed and lighter.
    pub dashed: bool,
    /// Per point: draw a cross instead of a dot (oversubscribed). Empty: all dots.
    pub crosses: Vec<bool>,
    /// Draw markers at the points.
    pub markers: bool,
}

impl Series {
    pub fn line(name: impl Into<String>, color: usize, points: Vec<(f64, f64)>) -> Self {
        Series {
            name: name.into(),
            color,
            points,
            dashed: false,
            crosses: Vec::new(),
            markers: true,
        }
    }

    pub fn dashed(mut self) -> Self {
        self.dashed = true;
        self
    }

    pub fn no_markers(mut self) -> Self {
        self.markers = false;
        self
    }
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_fmt: Fmt,
    pub y_fmt: Fmt,
    pub y_log: bool,
    /// Start the y axis at zero (linear axes only).
    pub y_from_zero: bool,
    pub series: Vec<Series>,
}

fn color(i: usize, light: bool) -> RGBAColor {
    let c = if i == GREY {
        RGBColor(90, 90, 90)
    } else {
        PALETTE[i % PALETTE.len()]
    };
    c.mix(if light { 0.55 } else { 1.0 })
}

/// The chart as an `<svg …>` string.
pub fn render(c: &Chart) -> Result<String, String> {
    let pts = || {
        c.series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| p.0.is_finite() && p.1.is_finite() && (!c.y_log || p.1 > 0.0))
    };
    let (mut x0, mut x1) = bounds(pts().map(|p| p.0));
    let (mut y0, mut y1) = bounds(pts().map(|p| p.1));
    let xpad = if x1 > x0 { (x1 - x0) * 0.04 } else { 0.5 };
    (x0, x1) = (x0 - xpad, x1 + xpad);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        if c.y_log {
            (y0, y1) = (y0.max(1e-9) / 1.6, y1.max(1e-9) * 1.6);
            draw(&root, c, x0..x1, (y0..y1).log_scale())?;
        } else {
            if c.y_from_zero {
                y0 = y0.min(0.0);
            }
            let pad = ((y1 - y0) * 0.08).max(y1.abs() * 0.05).max(1e-9);
            draw(
                &root,
                c,
                x0..x1,
                y0 - if c.y_from_zero { 0.0 } else { pad }..y1 + pad,
            )?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

fn bounds(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if lo.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

fn draw<DB, Y>(root: &DrawingArea<DB, Shift>, c: &Chart, x: Range<f64>, y: Y) -> Result<(), String>
where
    DB: DrawingBackend,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, (FONT, 17))
        .margin(10)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    let (xf, yf) = (c.x_fmt, c.y_fmt);
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .y_desc(&c.y_label)
        .x_labels(if xf == Fmt::Nines { 5 } else { 8 })
        .y_labels(7)
        .x_label_formatter(&|v| xf.label(*v))
        .y_label_formatter(&|v| yf.label(*v))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    for s in &c.series {
        let style = ShapeStyle::from(color(s.color, s.dashed)).stroke_width(2);
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|p| p.0.is_finite() && p.1.is_finite() && (!c.y_log || p.1 > 0.0))
            .collect();
        let legend = move |(x, y): (i32, i32)| PathElement::new(vec![(x, y), (x + 18, y)], style);
        // Dashed lines (baseline, fits, ideal) stay out of the legend: the chart title says so.
        if s.dashed {
            let anno = chart
                .draw_series(DashedLineSeries::new(pts.clone(), 6, 4, style))
                .map_err(err)?;
            if s.color == GREY {
                anno.label(&s.name).legend(legend);
            }
        } else {
            chart
                .draw_series(LineSeries::new(pts.clone(), style))
                .map_err(err)?
                .label(&s.name)
                .legend(legend);
        }
        if s.markers {
            let fill = color(s.color, s.dashed).filled();
            let crossed = |i: usize| s.crosses.get(i).copied().unwrap_or(false);
            chart
                .draw_series(
                    pts.iter()
                        .enumerate()
                        .filter(|(i, _)| !crossed(*i))
                        .map(|(_, p)| Circle::new(*p, 4, fill)),
                )
                .map_err(err)?;
            chart
                .draw_series(
                    pts.iter()
                        .enumerate()
                        .filter(|(i, _)| crossed(*i))
                        .map(|(_, p)| Cross::new(*p, 6, style.stroke_width(3))),
                )
                .map_err(err)?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 12))
        .draw()
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_svg_with_labels() {
        let c = Chart {
            title: "t".into(),
            x_label: "threads".into(),
            y_label: "ops/s".into(),
            x_fmt: Fmt::Int,
            y_fmt: Fmt::Si,
            y_log: true,
            y_from_zero: false,
            series: vec![Series::line("a", 0, vec![(1.0, 1e5), (2.0, 2e6)])],
        };
        let svg = render(&c).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("threads") && svg.contains("\na\n"), "{svg}");
        assert_eq!(Fmt::Nines.label(3.0), "p99.9");
        assert_eq!(Fmt::Nines.label(2.5), "");
    }
}
