package io.signcodec.bench;

import io.signcodec.core.DistortionBounds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/** Markdown and JSON renderings of the distortion report. */
final class ReportWriter {
  private ReportWriter() {}

  /** Facts about the run that both renderings carry. */
  record RunInfo(
      String mode,
      String cpu,
      int cores,
      String java,
      String command,
      double seconds,
      List<String> notes) {}

  static String markdown(
      RunInfo run,
      List<DistortionResults.Dataset> datasets,
      List<DistortionResults.Skipped> skipped) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Distortion (").append(run.mode()).append(" run)\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "%s, %d cores, Java %s. Command: `%s`. Wall time " + "%.0f s.%n%n",
            run.cpu(),
            run.cores(),
            run.java(),
            run.command(),
            run.seconds()));
    for (String n : run.notes()) {
      sb.append("- ").append(n).append('\n');
    }
    sb.append('\n');
    for (DistortionResults.Skipped s : skipped) {
      sb.append("**Skipped: ").append(s.title()).append("** — ").append(s.reason()).append("\n\n");
    }
    for (DistortionResults.Dataset d : datasets) {
      dataset(sb, d);
    }
    return sb.toString();
  }

  private static void dataset(StringBuilder sb, DistortionResults.Dataset d) {
    sb.append("### ").append(d.title()).append("\n\n");
    for (String n : d.notes()) {
      sb.append(n).append(' ');
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "Recall@10: %d queries from the test split search the "
                + "other %d test vectors, compressed, by inner product (signcodec scores its codes with "
                + "CodeScorer; peers are searched over their decoded vectors); ground truth is exact "
                + "search over the originals. Plot: `%s.png`. (%.0f s)%n%n",
            d.queries(),
            d.databaseCount(),
            d.id(),
            d.seconds()));

    List<String> methods = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    TreeSet<Double> rates = new TreeSet<>();
    boolean predicted = false;
    for (DistortionResults.Row r : d.rows()) {
      if (!methods.contains(r.method())) {
        methods.add(r.method());
        labels.put(r.method(), r.label());
      }
      rates.add(r.rate());
      predicted |= r.method().equals("signcodec-trained") && Double.isFinite(r.predictedNmse());
    }

    pivot(sb, methods, labels, rates, d, predicted, true);
    stagedAgainstShallow(sb, d, rates);
    pivot(sb, methods, labels, rates, d, false, false);
    sb.append(
        "All figures (cos = mean cosine similarity between x and its reconstruction; "
            + "train = seconds to fit on the training split):\n\n");
    sb.append("| r | method | bits | NMSE | cos | recall@10 | train (s) |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (double rate : rates) {
      for (DistortionResults.Row r : rowsAt(d, rate)) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %.4f | %.4f | %.3f | %.1f |%n",
                num(rate),
                r.label(),
                r.bitsUsed(),
                r.nmse(),
                r.meanCosine(),
                r.recallAt10(),
                r.trainSeconds()));
      }
    }
    sb.append('\n');
  }

  /** One row per rate, one column per method: NMSE (with the limits) or recall@10. */
  private static void pivot(
      StringBuilder sb,
      List<String> methods,
      Map<String, String> labels,
      TreeSet<Double> rates,
      DistortionResults.Dataset d,
      boolean predicted,
      boolean nmse) {
    sb.append(
        nmse
            ? "NMSE on the test split (lower is better; **bold** = best at that rate):"
            : "Recall@10 of inner-product search over the decoded vectors (higher is better; "
                + "**bold** = best at that rate):");
    sb.append("\n\n| r | bits |");
    for (String m : methods) {
      sb.append(' ').append(shortLabel(labels.get(m))).append(" |");
      if (predicted && m.equals("signcodec-trained")) {
        sb.append(" trained, Gaussian-predicted |");
      }
    }
    sb.append(nmse ? " sign-AE limit (one stage) | Shannon |\n|---|---|" : "\n|---|---|");
    sb.append("---|".repeat(methods.size() + (predicted ? 1 : 0) + (nmse ? 2 : 0))).append('\n');
    for (double rate : rates) {
      List<DistortionResults.Row> rows = rowsAt(d, rate);
      double best =
          nmse
              ? rows.stream().mapToDouble(DistortionResults.Row::nmse).min().orElse(Double.NaN)
              : rows.stream()
                  .mapToDouble(DistortionResults.Row::recallAt10)
                  .max()
                  .orElse(Double.NaN);
      sb.append("| ").append(num(rate)).append(" | ").append(rows.get(0).bits()).append(" |");
      for (String m : methods) {
        DistortionResults.Row r = find(rows, m);
        if (r == null) {
          sb.append(" — |");
        } else {
          double x = nmse ? r.nmse() : r.recallAt10();
          String v = String.format(Locale.ROOT, nmse ? "%.4f" : "%.3f", x);
          if (x == best) {
            v = "**" + v + "**";
          }
          if (r.bitsUsed() != r.bits()) {
            v += " (" + r.bitsUsed() + " b)";
          }
          sb.append(' ').append(v).append(" |");
        }
        if (predicted && m.equals("signcodec-trained")) {
          sb.append(
              r == null || !Double.isFinite(r.predictedNmse())
                  ? " — |"
                  : String.format(Locale.ROOT, " %.4f |", r.predictedNmse()));
        }
      }
      if (nmse) {
        sb.append(
            String.format(
                Locale.ROOT,
                " %.4f | %.4f |",
                DistortionBounds.signAutoencoderLimit(rate),
                DistortionBounds.shannonBound(rate)));
      }
      sb.append('\n');
    }
    sb.append('\n');
  }

  /** Checked on every dataset: a staged sign codebook never loses to one shallow stage. */
  private static void stagedAgainstShallow(
      StringBuilder sb, DistortionResults.Dataset d, TreeSet<Double> rates) {
    List<String> worse = new ArrayList<>();
    int compared = 0;
    for (double rate : rates) {
      List<DistortionResults.Row> rows = rowsAt(d, rate);
      DistortionResults.Row staged = find(rows, "signcodec-staged");
      DistortionResults.Row shallow = find(rows, "signcodec-shallow");
      if (staged == null || shallow == null) {
        continue;
      }
      compared++;
      if (staged.nmse() > shallow.nmse()) {
        worse.add(
            String.format(
                Locale.ROOT,
                "r = %s (%.4f against %.4f)",
                num(rate),
                staged.nmse(),
                shallow.nmse()));
      }
    }
    if (compared > 0) {
      sb.append(
          worse.isEmpty()
              ? "Staged sign codes are at least as good as one shallow stage at every rate where "
                  + "both exist.\n\n"
              : "**Staged is worse than one shallow stage at "
                  + String.join(", ", worse)
                  + ".**\n\n");
    }
  }

  private static String shortLabel(String label) {
    return label.replace("peer: ", "");
  }

  private static List<DistortionResults.Row> rowsAt(DistortionResults.Dataset d, double rate) {
    List<DistortionResults.Row> out = new ArrayList<>();
    for (DistortionResults.Row r : d.rows()) {
      if (r.rate() == rate) {
        out.add(r);
      }
    }
    return out;
  }

  private static DistortionResults.Row find(List<DistortionResults.Row> rows, String method) {
    for (DistortionResults.Row r : rows) {
      if (r.method().equals(method)) {
        return r;
      }
    }
    return null;
  }

  static String num(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  // ------------------------------------------------------------------ JSON

  static String json(
      RunInfo run,
      List<DistortionResults.Dataset> datasets,
      List<DistortionResults.Skipped> skipped) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"run\": {");
    field(sb, "mode", run.mode(), true);
    field(sb, "cpu", run.cpu(), false);
    sb.append(", \"cores\": ").append(run.cores());
    field(sb, "java", run.java(), false);
    field(sb, "command", run.command(), false);
    sb.append(", \"seconds\": ").append(number(run.seconds()));
    sb.append(", \"notes\": ").append(strings(run.notes())).append("},\n");
    sb.append("  \"skipped\": [");
    objects(
        sb,
        skipped,
        "    ",
        s -> {
          field(sb, "id", s.id(), true);
          field(sb, "title", s.title(), false);
          field(sb, "reason", s.reason(), false);
        });
    sb.append(skipped.isEmpty() ? "],\n" : "\n  ],\n");
    sb.append("  \"datasets\": [");
    objects(
        sb,
        datasets,
        "    ",
        d -> {
          field(sb, "id", d.id(), true);
          field(sb, "title", d.title(), false);
          sb.append(", \"dimension\": ").append(d.dimension());
          sb.append(", \"train\": ").append(d.trainCount());
          sb.append(", \"test\": ").append(d.testCount());
          sb.append(", \"queries\": ").append(d.queries());
          sb.append(", \"database\": ").append(d.databaseCount());
          sb.append(", \"seconds\": ").append(number(d.seconds()));
          sb.append(", \"notes\": ").append(strings(d.notes()));
          TreeSet<Double> rates = new TreeSet<>();
          d.rows().forEach(r -> rates.add(r.rate()));
          sb.append(",\n      \"limits\": [");
          int j = 0;
          for (double rate : rates) {
            sb.append(j++ == 0 ? "" : ", ")
                .append(
                    String.format(
                        Locale.ROOT,
                        "{\"rate\": %s, \"signAutoencoderLimit\": %s, \"shannonBound\": %s}",
                        number(rate),
                        number(DistortionBounds.signAutoencoderLimit(rate)),
                        number(DistortionBounds.shannonBound(rate))));
          }
          sb.append("],\n      \"results\": [");
          objects(
              sb,
              d.rows(),
              "        ",
              r -> {
                field(sb, "method", r.method(), true);
                field(sb, "label", r.label(), false);
                sb.append(", \"rate\": ").append(number(r.rate()));
                sb.append(", \"bits\": ").append(r.bits());
                sb.append(", \"bitsUsed\": ").append(r.bitsUsed());
                sb.append(", \"nmse\": ").append(number(r.nmse()));
                sb.append(", \"meanCosine\": ").append(number(r.meanCosine()));
                sb.append(", \"recallAt10\": ").append(number(r.recallAt10()));
                sb.append(", \"trainSeconds\": ").append(number(r.trainSeconds()));
                sb.append(", \"gaussianPredictedNmse\": ").append(number(r.predictedNmse()));
              });
          sb.append("\n      ]");
        });
    sb.append(datasets.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
    return sb.toString();
  }

  /** {@code items} as JSON objects, each on a new line at {@code indent}, as {@code body} says. */
  private static <T> void objects(
      StringBuilder sb, List<T> items, String indent, Consumer<T> body) {
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "\n" : ",\n").append(indent).append('{');
      body.accept(items.get(i));
      sb.append('}');
    }
  }

  private static void field(StringBuilder sb, String name, String value, boolean first) {
    sb.append(first ? "" : ", ").append('"').append(name).append("\": ").append(quote(value));
  }

  private static String strings(List<String> values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
    }
    return sb.append(']').toString();
  }

  static String number(double v) {
    if (!Double.isFinite(v)) {
      return "null";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.6g", v)
            .replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
            .replace(".e", "e")
            .replaceAll("\\.$", "");
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
