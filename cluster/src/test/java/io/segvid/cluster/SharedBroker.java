package io.segvid.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests one real broker for the whole test run ({@code @ExtendWith(SharedBroker.class)}, then
 * a {@link KafkaBroker} parameter): started by the first test that asks, stopped with its data when
 * the run ends. Tests keep apart by their group names.
 */
public final class SharedBroker implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBroker.class);

  private record Running(KafkaBroker broker, Path dir) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws Exception {
      broker.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("broker", k -> start(), Running.class).broker();
  }

  private static Running start() {
    try {
      Path dir = Files.createTempDirectory("segvid-kafka");
      return new Running(KafkaBroker.start(dir), dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a Kafka broker: " + e.getMessage(), e);
    }
  }
}
