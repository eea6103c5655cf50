package clusteremu.node.report;

import java.awt.Color;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's plots, drawn with XChart and embedded as PNG data, so the page needs no other file. */
final class Charts {
  static final int WIDTH = 900;
  static final int HEIGHT = 420;

  private Charts() {}

  static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(7);
    return chart;
  }

  /** A line with markers through the given points. */
  static XYSeries line(XYChart chart, String name, List<double[]> points) {
    double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
    double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
    XYSeries series = chart.addSeries(name, x.length == 0 ? new double[] {0} : x, y.length == 0 ? new double[] {0} : y);
    series.setMarker(SeriesMarkers.CIRCLE);
    return series;
  }

  /** A dashed line without markers, e.g. a predicted capacity. */
  static void reference(XYChart chart, String name, double[] x, double[] y) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
  }

  /** Vertical lines where phases begin, at x in the chart's units. */
  static void phaseMarks(XYChart chart, List<Double> starts) {
    for (double x : starts) {
      chart.addAnnotation(new AnnotationLine(x, true, false));
    }
  }

  /** A vertical line and its label for each timed event, the label at height {@code y} in the chart's units. */
  static void eventMarks(XYChart chart, List<Double> at, List<String> labels, double y) {
    for (int i = 0; i < at.size(); i++) {
      chart.addAnnotation(new AnnotationLine(at.get(i), true, false));
      chart.addAnnotation(new org.knowm.xchart.AnnotationText(labels.get(i), at.get(i), y, false));
    }
  }

  static String pngDataUri(XYChart chart) throws IOException {
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }
}
