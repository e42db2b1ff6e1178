"""The analytics: referral paths, gaps, bottlenecks, indicators, trend, recommendations."""
