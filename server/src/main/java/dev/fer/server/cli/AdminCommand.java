package dev.fer.server.cli;

import dev.fer.server.admin.AdminClient;
import dev.fer.v1.AdminGrpc;
import dev.fer.v1.GetStatsRequest;
import dev.fer.v1.ListVariantsRequest;
import dev.fer.v1.LoadVariantRequest;
import dev.fer.v1.SetActiveVariantRequest;
import dev.fer.v1.SetShadowRequest;
import dev.fer.v1.SetTrafficSplitRequest;
import dev.fer.v1.UnloadVariantRequest;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/** {@code fer admin ...}: drives a running server's admin service (fer.v1.Admin). */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Hot-swap and A/B-test generator variants of a running server; read per-variant statistics.",
    subcommands = {AdminCommand.ListVariants.class, AdminCommand.Load.class, AdminCommand.Unload.class,
        AdminCommand.Activate.class, AdminCommand.Split.class, AdminCommand.Shadow.class, AdminCommand.Stats.class})
final class AdminCommand implements Runnable {
  @Option(names = "--target", scope = ScopeType.INHERIT,
      description = "Admin service host:port. Default 127.0.0.1:50052.")
  String target = "127.0.0.1:50052";

  @Option(names = "--token", scope = ScopeType.INHERIT,
      description = "Bearer token. Default: the FER_ADMIN_TOKEN environment variable.")
  String token = System.getenv().getOrDefault("FER_ADMIN_TOKEN", "");

  @Option(names = "--tls-ca", scope = ScopeType.INHERIT, description = "CA of the server's certificate (turns TLS on).")
  String tlsCa;

  @Option(names = "--tls-cert", scope = ScopeType.INHERIT, description = "Client certificate for mutual TLS.")
  String tlsCert;

  @Option(names = "--tls-key", scope = ScopeType.INHERIT, description = "Client key for mutual TLS.")
  String tlsKey;

  @Option(names = "--pipeline", scope = ScopeType.INHERIT, description = "Pipeline. Default: the server's default.")
  String pipeline = "";

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  /** Runs one admin call and prints its answer; a refusal prints the server's reason and exits 2. */
  int call(AdminCall call) throws Exception {
    AdminClient.Tls tls = tlsCa == null ? null : new AdminClient.Tls(tlsCa, tlsCert, tlsKey);
    try (AdminClient client = new AdminClient(target, token, tls)) {
      System.out.println(call.run(client.stub()));
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println("fer admin: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      return 2;
    }
  }

  interface AdminCall {
    String run(AdminGrpc.AdminBlockingStub admin);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Variants with their state, and the routing.")
  static final class ListVariants implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Override
    public Integer call() throws Exception {
      return admin.call(stub -> AdminTables.variants(stub.listVariants(
          ListVariantsRequest.newBuilder().setPipeline(admin.pipeline).build())));
    }
  }

  @Command(name = "load", mixinStandardHelpOptions = true,
      description = "Load, check and warm a generator version folder (or a stage folder's newest version); "
          + "it replaces a variant of the same name.")
  static final class Load implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(paramLabel = "PATH", description = "e.g. generator-vae/2, relative to the pipeline folder, or absolute.")
    String path;

    @Option(names = "--activate", description = "Make it the active variant once ready.")
    boolean activate;

    @Override
    public Integer call() throws Exception {
      return admin.call(stub -> AdminTables.status(stub.loadVariant(LoadVariantRequest.newBuilder()
          .setPipeline(admin.pipeline).setPath(path).setActivate(activate).build())));
    }
  }

  @Command(name = "unload", mixinStandardHelpOptions = true,
      description = "Take a variant out of service; it drains, then its model is closed.")
  static final class Unload implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(paramLabel = "VARIANT")
    String variant;

    @Override
    public Integer call() throws Exception {
      return admin.call(stub -> AdminTables.status(stub.unloadVariant(UnloadVariantRequest.newBuilder()
          .setPipeline(admin.pipeline).setVariant(variant).build())));
    }
  }

  @Command(name = "activate", mixinStandardHelpOptions = true,
      description = "Send all traffic to one variant (clears the split, keeps the shadow).")
  static final class Activate implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(paramLabel = "VARIANT")
    String variant;

    @Override
    public Integer call() throws Exception {
      return admin.call(stub -> AdminTables.routing(stub.setActiveVariant(SetActiveVariantRequest.newBuilder()
          .setPipeline(admin.pipeline).setVariant(variant).build())));
    }
  }

  @Command(name = "split", mixinStandardHelpOptions = true,
      description = "Spread traffic by weight, e.g. 'split autoencoder=70 vae=30'; sticky per stream and per "
          + "routing key. No weights: back to the active variant alone.")
  static final class Split implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(paramLabel = "VARIANT=WEIGHT", arity = "0..*")
    List<String> weights = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      Map<String, Double> w = new LinkedHashMap<>();
      for (String s : weights) {
        int eq = s.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("'" + s + "' is not VARIANT=WEIGHT (e.g. vae=30)");
        }
        try {
          w.put(s.substring(0, eq), Double.parseDouble(s.substring(eq + 1)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("weight in '" + s + "' is not a number (e.g. vae=30)");
        }
      }
      return admin.call(stub -> AdminTables.routing(stub.setTrafficSplit(SetTrafficSplitRequest.newBuilder()
          .setPipeline(admin.pipeline).putAllWeights(w).build())));
    }
  }

  @Command(name = "shadow", mixinStandardHelpOptions = true,
      description = "Run a variant on mirrored frames (recorded, never returned). No variant: stop shadowing.")
  static final class Shadow implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(paramLabel = "VARIANT", arity = "0..1")
    String variant = "";

    @Override
    public Integer call() throws Exception {
      return admin.call(stub -> AdminTables.routing(stub.setShadow(SetShadowRequest.newBuilder()
          .setPipeline(admin.pipeline).setVariant(variant).build())));
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Per-variant statistics side by side: frames, labels, confidence, accuracy, latency, "
          + "shadow agreement.")
  static final class Stats implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(paramLabel = "VARIANT", arity = "0..*", description = "Only these variants. Default: all.")
    List<String> variants = new ArrayList<>();

    @Option(names = "--raw", description = "Print the whole response (protobuf text format), buckets included.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
      return admin.call(stub -> {
        var response = stub.getStats(GetStatsRequest.newBuilder().setPipeline(admin.pipeline)
            .addAllVariants(variants).build());
        if (raw) {
          return response.toString();
        }
        return AdminTables.stats(response);
      });
    }
  }
}
