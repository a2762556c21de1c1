//! The express tariff's answer, one list of options per service type
//! (`nextday`, `regular`, `sameday`, `cargo`), as one list and at its
//! cheapest.

use crate::types::{ExpressOption, ExpressTariffs};

impl ExpressTariffs {
    /// Every option, service type by service type (`nextday`, `regular`,
    /// `sameday`, `cargo`), in Fastrac's order within each.
    ///
    /// ```
    /// use mitra_fastrac::types::{ExpressOption, ExpressTariffs};
    /// let tariffs = ExpressTariffs::new()
    ///     .with_regular(vec![ExpressOption::new("jne", "REG", 18000.0)])
    ///     .with_nextday(vec![ExpressOption::new("anteraja", "ND", 27000.0)]);
    /// let codes: Vec<_> = tariffs.all().map(|o| o.code_service.as_str()).collect();
    /// assert_eq!(codes, ["ND", "REG"]);
    /// assert_eq!(tariffs.cheapest().unwrap().courier_code, "jne");
    /// ```
    pub fn all(&self) -> impl Iterator<Item = &ExpressOption> {
        [&self.nextday, &self.regular, &self.sameday, &self.cargo]
            .into_iter()
            .flatten()
    }

    /// The option with the lowest `total` (the first of equals, in the
    /// order of [`all`](Self::all)); `None` when there is no option.
    pub fn cheapest(&self) -> Option<&ExpressOption> {
        self.all()
            .filter(|o| o.total.is_finite())
            .reduce(|best, o| if o.total < best.total { o } else { best })
    }

    /// How many options there are, all service types together.
    pub fn len(&self) -> usize {
        self.all().count()
    }

    /// Whether no courier offers the delivery.
    pub fn is_empty(&self) -> bool {
        self.all().next().is_none()
    }
}
