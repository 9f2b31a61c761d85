package org.multimaster.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts, drawn headless with JFreeChart: grouped bars and log-log lines. Not thread-safe. */
final class Charts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22)
    };

    private Charts() {}

    /**
     * Grouped bars: one group per category, one bar per series.
     *
     * @param values series → category → value
     * @param log whether the value axis is logarithmic
     * @param target a horizontal line to draw (a target), or NaN for none
     */
    static void bars(
            Path file,
            String title,
            String valueLabel,
            Map<String, Map<String, Double>> values,
            boolean log,
            double target,
            String targetLabel)
            throws IOException {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        values.forEach((series, byCategory) -> byCategory.forEach((category, v) -> {
            if (!v.isNaN()) {
                dataset.addValue(v, series, category);
            }
        }));
        JFreeChart chart = ChartFactory.createBarChart(
                title, null, valueLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        if (log) {
            plot.setRangeAxis(logAxis(valueLabel, 0.01));
        }
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        for (int i = 0; i < dataset.getRowCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        CategoryAxis domain = plot.getDomainAxis();
        domain.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        domain.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (!Double.isNaN(target)) {
            ValueMarker marker = new ValueMarker(target, Color.RED, new BasicStroke(1.5f));
            marker.setLabel(targetLabel);
            marker.setLabelPaint(Color.RED);
            // Above the line at the right end: the default, centred on the left edge, is cut in half.
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(marker);
        }
        style(chart);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** One point of a line. */
    record Point(double x, double y) {}

    /** Lines on log-log axes, one per series. */
    static void lines(Path file, String title, String xLabel, String yLabel, Map<String, List<Point>> series)
            throws IOException {
        XYSeriesCollection dataset = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            points.stream().filter(p -> p.y() > 0 && p.x() > 0).forEach(p -> s.add(p.x(), p.y()));
            dataset.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setDomainAxis(logAxis(xLabel, 1));
        plot.setRangeAxis(logAxis(yLabel, 0.001));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < dataset.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        style(chart);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** A base-10 log axis with a labelled tick per decade, written as plain numbers. */
    private static LogAxis logAxis(String label, double smallest) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(smallest);
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(plainNumbers());
        return axis;
    }

    /**
     * Numbers as the tables write them ({@code 12,345.6}), whatever the default locale: JFreeChart's
     * own would follow it (a decimal comma in de-DE, other digits in ar-EG).
     */
    private static DecimalFormat plainNumbers() {
        return new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof CategoryPlot p) {
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
            if (p.getRangeAxis() instanceof NumberAxis n) {
                n.setAutoRangeIncludesZero(true);
                n.setNumberFormatOverride(plainNumbers());
            }
        }
        if (chart.getPlot() instanceof XYPlot p) {
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            if (p.getDomainAxis() instanceof NumberAxis n) {
                n.setNumberFormatOverride(plainNumbers());
            }
            if (p.getRangeAxis() instanceof NumberAxis n) {
                n.setNumberFormatOverride(plainNumbers());
            }
        }
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    }
}
