"""The cache backend: django-redis, failing open when Redis is down (settings CACHES)."""

from django_redis.cache import RedisCache, omit_exception


class FailOpenRedisCache(RedisCache):
    """Redis only caches: with Redis down every call is ignored (and logged), so rate limits are off.

    `add` then answers True ("stored"), not None: allauth's rate limiter takes a lock with `cache.add` before it
    counts, and a lock that is never granted would refuse every login after a one-second wait (fail closed).
    """

    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)
