package io.cairn.bench;

import io.cairn.engine.crypto.Argon2id;
import io.cairn.engine.crypto.KeyFile;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The key derivation a command pays once per run: Cairn's Argon2id against Bouncy Castle's, at
 * the repository default (32 MiB, 3 passes, 1 lane), each derivation timed from a cold JVM on.
 * Run each implementation in its own JVM, with the launcher's JIT flags, so the first line is what
 * a command sees.
 *
 * <pre>java -XX:+UseSerialGC -Xmn8m -XX:CompileThresholdScaling=3 -XX:FreqInlineSize=120 -XX:InlineSmallCode=1000 \
 *   -cp cairn-bench/target/benchmarks.jar io.cairn.bench.KdfBench cairn|bc [ROUNDS [LANES]]</pre>
 */
public final class KdfBench {
  private KdfBench() {}

  public static void main(String[] args) {
    boolean bc = args.length > 0 && args[0].equals("bc");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    KeyFile.KdfParams d = KeyFile.KdfParams.DEFAULT;
    KeyFile.KdfParams p = args.length > 2 ? new KeyFile.KdfParams(d.memoryKiB(), d.iterations(), Integer.parseInt(args[2])) : d;
    byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    byte[] salt = new byte[16];
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      byte[] out;
      if (bc) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt).withMemoryAsKB(p.memoryKiB()).withIterations(p.iterations()).withParallelism(p.parallelism()).build());
        out = new byte[32];
        g.generateBytes(password, out);
      } else {
        out = Argon2id.derive(password, salt, p.memoryKiB(), p.iterations(), p.parallelism(), 32);
      }
      System.out.printf("%s derivation %d: %.0f ms (tag %02x%02x...)%n", bc ? "bouncycastle" : "cairn", i + 1,
          (System.nanoTime() - t) / 1e6, out[0], out[1]);
    }
  }
}
