package dev.endoreward.spark;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;

/**
 * Where a path's store is, as messages name it: for {@code s3a://}, the endpoint with the setting that chose
 * it ({@code fs.s3a.bucket.<bucket>.endpoint}, {@code fs.s3a.endpoint}) or the bucket's default; for other
 * file systems, the scheme and authority. Never a credential: user information in an endpoint is dropped.
 */
final class StorageEndpoint {
  private final String description;
  private final boolean s3a;

  private StorageEndpoint(String description, boolean s3a) {
    this.description = description;
    this.s3a = s3a;
  }

  static StorageEndpoint of(Configuration hadoop, URI path) {
    if (!"s3a".equals(path.getScheme())) {
      String authority = path.getRawAuthority() == null ? "" : path.getRawAuthority();
      return new StorageEndpoint(withoutUserInfo(path.getScheme() + "://" + authority), false);
    }
    String bucket = path.getHost();
    for (String key : new String[] {"fs.s3a.bucket." + bucket + ".endpoint", "fs.s3a.endpoint"}) {
      String endpoint = hadoop.getTrimmed(key, "");
      if (!endpoint.isEmpty()) {
        return new StorageEndpoint(withoutUserInfo(endpoint) + " (" + key + ")", true);
      }
    }
    return new StorageEndpoint("the default S3 endpoint of bucket " + bucket, true);
  }

  /** What to check when the store refuses the credentials. */
  String credentialsAdvice() {
    return s3a
        ? "check fs.s3a.access.key and fs.s3a.secret.key, or fs.s3a.aws.credentials.provider, and the bucket's policy"
        : "check the credentials and permissions";
  }

  private static String withoutUserInfo(String endpoint) {
    return endpoint.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)?[^/@]*@", "$1");
  }

  @Override
  public String toString() {
    return description;
  }
}
