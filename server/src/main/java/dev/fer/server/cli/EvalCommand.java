package dev.fer.server.cli;

import dev.fer.client.EvalReport;
import dev.fer.client.FerClient;
import dev.fer.client.ImageFolder;
import dev.fer.client.StreamEvaluator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Stream a labelled folder DIR/<class>/*.{png,jpg,tiff} through Recognize; print one JSON line last.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--target", required = true, description = "Server host:port.")
  String target;

  @Option(names = "--pipeline", description = "Pipeline to use. Default: the server's default.")
  String pipeline = "";

  @Option(names = "--variant", description = "Generator variant to use (repeat to compare variants side by side).")
  List<String> variants = List.of();

  @Option(names = "--crops", description = "Send each image as an already-cropped face (skip detection).")
  boolean crops;

  @Parameters(index = "0", paramLabel = "DIR")
  Path dir;

  @Override
  public Integer call() throws Exception {
    List<ImageFolder.Item> items = ImageFolder.scan(dir);
    System.err.println("eval: " + items.size() + " images from " + dir);
    try (FerClient client = FerClient.connect(target)) {
      List<String> runs = variants.isEmpty() ? List.of("") : variants;
      Map<String, EvalReport> reports = new LinkedHashMap<>();
      for (String variant : runs) {
        reports.put(variant, new StreamEvaluator(client, pipeline, variant, crops).run(items, true));
      }
      if (reports.size() > 1) {
        System.out.println(SideBySide.table(reports));
      }
      for (Map.Entry<String, EvalReport> e : reports.entrySet()) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("pipeline", pipeline);
        extra.put("variant", e.getKey());
        System.out.println(e.getValue().toJson(extra));
      }
    }
    return 0;
  }
}
