/** The Redis machinery (Lettuce). Not an API: may change in any release. */
package io.repobox.output.redis.internal;
