import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SlowTest {
  @Test
  void takesItsTime() throws Exception {
    Path setting = Path.of("slow-millis");
    long millis = Files.exists(setting) ? Long.parseLong(Files.readString(setting).trim()) : 5000;
    Thread.sleep(millis);
    assertTrue(millis >= 0);
  }
}
